import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { from, mergeMap, throwError } from 'rxjs';
import type { Session } from '../session/session';
import { createCache } from './cache';
import { GRAPHQL_URL } from './endpoint';
import type { LiveSocket } from './socket';

/**
 * Subscriptions go over the socket (graphql-ws), queries and mutations over HTTP. On HTTP, every
 * request waits for a usable token (during a refresh, requests queue behind it), and a request
 * refused as UNAUTHENTICATED is sent once more after a refresh.
 */
export function createApolloClient(session: Session, socket: LiveSocket): ApolloClient {
  const withToken = new SetContextLink(async ({ headers }) => {
    const token = await session.accessToken();
    return { headers: { ...headers, authorization: token ? `Bearer ${token}` : '' } };
  });
  const refreshOnUnauthenticated = new ErrorLink(({ error, operation, forward }) => {
    const refused = CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
    const context = operation.getContext();
    if (!refused || context.retriedAfterRefresh) return;
    const sent = String(context.headers?.authorization ?? '').replace(/^Bearer /, '') || undefined;
    return from(session.refresh(sent)).pipe(
      mergeMap((token) => {
        if (!token) return throwError(() => error);
        operation.setContext({ retriedAfterRefresh: true });
        return forward(operation);
      }),
    );
  });
  const http = ApolloLink.from([refreshOnUnauthenticated, withToken, new HttpLink({ uri: GRAPHQL_URL })]);
  const link = ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(socket.client),
    http,
  );
  return new ApolloClient({ link, cache: createCache(), devtools: { enabled: import.meta.env.DEV } });
}
