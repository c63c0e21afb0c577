import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Context } from './context';
import { clientFaultOf, isUnexpected } from './format-error';
import type { Metrics } from './metrics';

/**
 * One log line per operation (name, duration, error codes), the full detail of unexpected errors
 * (and, as warnings, of database refusals that the client's input caused),
 * and the request id on every masked error so a report can be matched with the log.
 * Variables are never logged: they carry passwords and tokens. Each operation is counted in the
 * metrics too (one plugin for both: every hook costs every request).
 */
export const operationLogging = (metrics: Metrics): ApolloServerPlugin<Context> => ({
  async requestDidStart() {
    const started = performance.now();
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors.filter(isUnexpected)) {
          contextValue.log.error({ err: unwrapResolverError(error), path: error.path }, 'operation failed unexpectedly');
        }
        for (const error of errors) {
          const fault = clientFaultOf(error);
          if (fault) contextValue.log.warn({ sqlState: fault.sqlState, field: fault.field, path: error.path }, 'database refused the client input');
        }
      },
      async willSendResponse({ response, contextValue, operationName, document }) {
        const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
        for (const error of body?.errors ?? []) {
          if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') {
            Object.assign(error, { extensions: { ...error.extensions, requestId: contextValue.requestId } });
          }
        }
        const ms = performance.now() - started;
        const codes = body?.errors?.map((error) => error.extensions?.code);
        metrics.operation(metrics.labelsOf(document, operationName), codes ?? [], ms / 1000);
        contextValue.log.info({ operationName, ms: Math.round(ms), errors: codes }, 'graphql operation');
      },
    };
  },
});
