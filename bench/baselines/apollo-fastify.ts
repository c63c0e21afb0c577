import { ApolloServer } from '@apollo/server';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';

/**
 * S4's first baseline: the framework Parley is bound to and nothing else. Apollo Server and
 * @as-integrations/fastify at the project's versions, a one-field schema, production mode, no
 * logging: the ceiling of `{ __typename }` over this stack.
 */
const fastify = Fastify({ logger: false });
const apollo = new ApolloServer({
  typeDefs: 'type Query { ok: Boolean }',
  resolvers: { Query: { ok: () => true } },
  stopOnTerminationSignals: false,
  plugins: [fastifyApolloDrainPlugin(fastify)],
});
await apollo.start();
fastify.route({ url: '/graphql', method: ['GET', 'POST', 'OPTIONS'], handler: fastifyApolloHandler(apollo) });
await fastify.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });

process.on('SIGTERM', () => {
  void fastify.close().then(() => process.exit(0));
});
