import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { type DocumentNode, type ExecutionResult, getVariableValues, GraphQLError, type GraphQLSchema } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Each document compiled once per operation name (graphql-jit), for HTTP and for the socket's events alike. */
export class CompiledOperations {
  private readonly compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();

  constructor(private readonly schema: GraphQLSchema) {}

  compile(document: DocumentNode, operationName: string | undefined): CompiledQuery | ExecutionResult {
    let byName = this.compiled.get(document);
    if (!byName) this.compiled.set(document, (byName = new Map()));
    let query = byName.get(operationName ?? '');
    if (!query) byName.set(operationName ?? '', (query = compileQuery(this.schema, document, operationName)));
    return query;
  }
}

/** A graphql-jit result with its errors as graphql-js raises them. */
export function standardResult(result: ExecutionResult): ExecutionResult {
  return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
}

/**
 * Operations over HTTP run compiled (graphql-jit): each document is compiled once into a function
 * that resolves and serializes its selection, instead of interpreting the document field by field
 * on every request. Apollo Server takes a custom executor only through its gateway interface.
 */
export function compiledExecution(schema: GraphQLSchema, operations: CompiledOperations): GatewayInterface {
  return {
    async load() {
      return {
        schema,
        executor: async (requestContext) => {
          // No such operation in the document (Apollo leaves that to the executor): the client's mistake.
          if (!requestContext.operation) {
            const name = requestContext.operationName;
            const message = name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.';
            return { errors: [new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } })] };
          }
          // Bad variables are the client's mistake, told as graphql-js tells them (Apollo does so only for its own executor).
          const variables = getVariableValues(schema, requestContext.operation.variableDefinitions ?? [], requestContext.request.variables ?? {}, { maxErrors: 50 });
          if (variables.errors) {
            return { errors: variables.errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } })) };
          }
          const query = operations.compile(requestContext.document, requestContext.operationName ?? undefined);
          if (!isCompiledQuery(query)) return standardResult(query);
          return standardResult(await query.query(undefined, requestContext.context, requestContext.request.variables ?? {}));
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    async stop() {},
  };
}

/**
 * graphql-jit's errors lack what Apollo and formatError rely on (extensions always present, the
 * resolver's error as originalError): the same error as graphql-js would have raised.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  const standard = new GraphQLError(error.message, { path: error.path, originalError: original, extensions: error.extensions ?? undefined });
  if (error.locations) Object.assign(standard, { locations: error.locations });
  return standard;
}
