import { serveWithApollo } from './apollo-serve';

/**
 * S4's first baseline: the framework Parley is bound to and nothing else. Apollo Server and
 * @as-integrations/fastify at the project's versions, a one-field schema, production mode, no
 * logging: the ceiling of `{ __typename }` over this stack.
 */
await serveWithApollo({
  typeDefs: 'type Query { ok: Boolean }',
  resolvers: { Query: { ok: () => true } },
});
