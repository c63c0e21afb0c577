import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { GRAPHQL_URL } from '../apollo/endpoint';

/** A refusal from the API: its `extensions.code`, and the input field it names, if any. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLBody<TData> {
  data?: TData | null;
  errors?: { message: string; extensions?: { code?: string; field?: string } }[];
}

/**
 * One operation over HTTP, outside Apollo Client: the session's own calls (sign up, log in,
 * refresh, log out), which must not wait on the token they are getting. `serverTime` is the
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
  if (error) throw new ApiError(error.message, error.extensions?.code ?? 'INTERNAL_SERVER_ERROR', error.extensions?.field);
  if (!response.ok || !body.data) throw new Error(`The server answered ${response.status}.`);
  const date = Date.parse(response.headers.get('date') ?? '');
  return { data: body.data, serverTime: Number.isNaN(date) ? Date.now() : date };
}
