import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { ApiError } from '../session/auth-api';

/** A refusal in words a person can act on, with whether trying again may help. */
export interface Problem {
  message: string;
  code: string | null;
  field: string | null;
  retryable: boolean;
}

const FINAL_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']);

export function describeError(error: unknown): Problem {
  if (error instanceof ApiError) return { message: error.message, code: error.code, field: error.field ?? null, retryable: !FINAL_CODES.has(error.code) };
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : null;
    const field = typeof first?.extensions?.field === 'string' ? first.extensions.field : null;
    if (code === 'INTERNAL_SERVER_ERROR') return { message: 'Something went wrong on the server. Try again.', code, field, retryable: true };
    return { message: first?.message ?? 'The server refused this.', code, field, retryable: code === null || !FINAL_CODES.has(code) };
  }
  if (ServerError.is(error)) return { message: `The server is not answering (${error.statusCode}).`, code: null, field: null, retryable: true };
  return { message: navigator.onLine ? 'The server cannot be reached.' : 'You are offline.', code: null, field: null, retryable: true };
}
