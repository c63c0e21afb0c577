import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GRAPHQL_URL } from '../apollo/endpoint';

/** A refusal from the API: its `extensions.code`, the input field it names and, when RATE_LIMITED, how long to wait. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string; field?: string; retryAfterSeconds?: number } }[];
}

/**
 * One operation over HTTP, outside Apollo Client: the session's own calls (sign up, log in,
 * refresh, log out, reset the password, delete the account), which must not wait on the token they
 * are getting or outlive the signed-in app, and the account pages that need no sign-in. `serverTime` is the
 * response's Date, so that token lifetimes are counted on this device's clock, skew or not.
 */
export async function postOperation<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  accessToken?: string,
): Promise<{ data: TData; serverTime: number }> {
  const response = await fetch(GRAPHQL_URL, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json().catch(() => ({}))) as GraphQLBody<TData>;
  const error = body.errors?.[0];
  if (error) {
    const { code = 'INTERNAL_SERVER_ERROR', field, retryAfterSeconds } = error.extensions ?? {};
    throw new ApiError(error.message, code, field, retryAfterSeconds);
  }
  if (!response.ok || !body.data) throw new Error(`The server answered ${response.status}.`);
  const date = Date.parse(response.headers.get('date') ?? '');
  return { data: body.data, serverTime: Number.isNaN(date) ? Date.now() : date };
}
