import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { ApiError } from '../session/auth-api';
import { waitWords } from './wait';

/** A refusal in words a person can act on, with whether trying again may help (and, when RATE_LIMITED, after how long). */
export interface Problem {
  message: string;
  code: string | null;
  field: string | null;
  retryable: boolean;
  retryAfterSeconds: number | null;
}

const FINAL_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']);

export function describeError(error: unknown): Problem {
  if (error instanceof ApiError) return refusal(error.message, error.code, error.field ?? null, error.retryAfterSeconds);
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const extensions = first?.extensions ?? {};
    const code = typeof extensions.code === 'string' ? extensions.code : null;
    const field = typeof extensions.field === 'string' ? extensions.field : null;
    if (code === 'INTERNAL_SERVER_ERROR') return { message: 'Something went wrong on the server. Try again.', code, field, retryable: true, retryAfterSeconds: null };
    return refusal(first?.message ?? 'The server refused this.', code, field, extensions.retryAfterSeconds);
  }
  if (ServerError.is(error)) return { message: `The server is not answering (${error.statusCode}).`, code: null, field: null, retryable: true, retryAfterSeconds: null };
  return { message: navigator.onLine ? 'The server cannot be reached.' : 'You are offline.', code: null, field: null, retryable: true, retryAfterSeconds: null };
}

function refusal(message: string, code: string | null, field: string | null, retryAfter: unknown): Problem {
  const retryAfterSeconds = code === 'RATE_LIMITED' && typeof retryAfter === 'number' ? retryAfter : null;
  return {
    // Parley counts the wait in seconds; a person reads minutes and hours.
    message: retryAfterSeconds === null ? message : `Too many attempts: try again ${waitWords(retryAfterSeconds)}.`,
    code,
    field,
    retryable: code === null || !FINAL_CODES.has(code),
    retryAfterSeconds,
  };
}
