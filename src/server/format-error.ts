import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';

/** True when the error was not raised on purpose: a bug or an outage, to be logged and masked. */
export function isUnexpected(error: unknown): boolean {
  return !(unwrapResolverError(error) instanceof GraphQLError);
}

/**
 * What a client sees of an error. Deliberate errors keep their message and code; input validation
 * names the offending field; anything unexpected becomes a bare INTERNAL_SERVER_ERROR (logged in full
 * elsewhere, with the request id).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof ArgumentValidationError) {
    const [field, message] = firstProblem(original.extensions.validationErrors);
    return { message, locations: formatted.locations, path: formatted.path, extensions: { code: 'BAD_USER_INPUT', field } };
  }
  if (isUnexpected(error)) {
    return { message: INTERNAL_ERROR_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  const code = formatted.extensions?.code;
  if (code === 'BAD_USER_INPUT' && formatted.extensions?.field === undefined) {
    // graphql-js reports bad variables as `Variable "$input" got invalid value ... at "input.email"; ...`
    // or `...; Field "password" of required type "String!" was not provided.`
    const at =
      /at "([^"]+)"/.exec(formatted.message)?.[1] ??
      /Field "(\w+)" of required type/.exec(formatted.message)?.[1] ??
      /Variable "\$(\w+)"/.exec(formatted.message)?.[1];
    if (at) return { ...formatted, extensions: { ...formatted.extensions, field: at.split('.').at(-1) } };
  }
  return formatted;
}

function firstProblem(errors: ValidationError[], prefix = ''): [field: string, message: string] {
  const [first] = errors;
  if (!first) return [prefix || 'input', 'Invalid input.'];
  const field = prefix ? `${prefix}.${first.property}` : first.property;
  const message = Object.values(first.constraints ?? {})[0];
  return message ? [field, message] : firstProblem(first.children ?? [], field);
}
