import { GraphQLError } from 'graphql';

/** The codes of the API contract. Every user-facing failure carries exactly one of them. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

abstract class ParleyError extends GraphQLError {
  constructor(message: string, code: ErrorCode, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extensions } });
  }
}

export class UnauthenticatedError extends ParleyError {
  constructor(message = 'You must be signed in.') {
    super(message, 'UNAUTHENTICATED');
  }
}

export class ForbiddenError extends ParleyError {
  constructor(message: string) {
    super(message, 'FORBIDDEN');
  }
}

/** Also for resources that exist but that the viewer may not see: never reveal which. */
export class NotFoundError extends ParleyError {
  constructor(what: string) {
    super(`${what} not found.`, 'NOT_FOUND');
  }
}

export class BadInputError extends ParleyError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, 'BAD_USER_INPUT', { field });
  }
}

export class ConflictError extends ParleyError {
  constructor(message: string, field?: string) {
    super(message, 'CONFLICT', field ? { field } : {});
  }
}

export class RateLimitedError extends ParleyError {
  constructor(retryAfterSeconds: number) {
    super(`Too many attempts; try again in ${waitOf(retryAfterSeconds)}.`, 'RATE_LIMITED', { retryAfterSeconds });
  }
}

/** A wait as people say it: seconds, then minutes, then hours (rounded up, so that it is never too early). */
export function waitOf(seconds: number): string {
  const [amount, unit] = seconds < 120 ? [seconds, 'second'] : seconds < 7200 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}
