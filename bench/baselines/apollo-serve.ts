import { ApolloServer, type ApolloServerOptionsWithTypeDefs, type BaseContext } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { type FastifyRequest } from 'fastify';

/**
 * A bare Apollo Server + @as-integrations/fastify (the project's versions, no logging) on
 * 127.0.0.1:$PORT at /graphql: the framework Parley is bound to, around the schema a baseline
 * gives it. SIGTERM closes it, then `onClose` (a baseline's pool), then exits.
 */
export async function serveWithApollo<TContext extends BaseContext>(
  options: {
    typeDefs: string;
    resolvers: ApolloServerOptionsWithTypeDefs<TContext>['resolvers'];
    context?: (request: FastifyRequest) => Promise<TContext>;
    onClose?: () => Promise<void>;
  },
): Promise<void> {
  const fastify = Fastify({ logger: false });
  const apollo = new ApolloServer<TContext>({
    typeDefs: options.typeDefs,
    resolvers: options.resolvers,
    stopOnTerminationSignals: false,
    plugins: [fastifyApolloDrainPlugin(fastify)],
  });
  await apollo.start();
  const context = options.context ?? (async () => ({}) as TContext);
  fastify.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo, { context }) });
  await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
  process.on('SIGTERM', () => {
    void fastify
      .close()
      .then(() => options.onClose?.())
      .then(() => process.exit(0));
  });
}
