import { unwrapResolverError } from '@apollo/server/errors';
import type { ValidationError } from 'class-validator';
import { GraphQLError, type GraphQLFormattedError, Kind } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { databaseRefusal } from '../db/errors';
import type { ErrorCode } from '../errors/errors';

export const INTERNAL_ERROR_MESSAGE = 'Internal server error';
/** graphql-js stops coercing variables after 50 problems with this error, which carries no code. */
const TOO_MANY_VARIABLE_ERRORS = 'Too many errors processing variables, error limit reached. Execution aborted.';

/** A database refusal that a client's input can cause, as the contract error it is. */
export interface ClientFault {
  sqlState: string;
  code: Extract<ErrorCode, 'CONFLICT' | 'BAD_USER_INPUT'>;
  field: string | undefined;
  message: string;
}

/** What each refusal says, by SQLSTATE, about the field (or "A value" when the database does not name it). */
const CLIENT_FAULTS: Record<string, [ClientFault['code'], (what: string) => string]> = {
  '23505': ['CONFLICT', (what) => `${what} is already taken.`],
  '23514': ['BAD_USER_INPUT', (what) => `${what} is not allowed.`],
  '22001': ['BAD_USER_INPUT', (what) => `${what} is too long.`],
  '22003': ['BAD_USER_INPUT', (what) => `${what} is out of range.`],
  '22021': ['BAD_USER_INPUT', (what) => `${what} contains characters that cannot be stored.`],
  '22P05': ['BAD_USER_INPUT', (what) => `${what} contains characters that cannot be stored.`],
  '22P02': ['BAD_USER_INPUT', (what) => `${what} is not in a valid format.`],
  '22007': ['BAD_USER_INPUT', (what) => `${what} is not a valid date or time.`],
  '22008': ['BAD_USER_INPUT', (what) => `${what} is out of the range of dates.`],
};

/**
 * The client's fault behind a database error (unique, check, length, range, encoding, format, dates), or
 * undefined. To be logged as a warning with its SQLSTATE and field only: the error itself may quote
 * the whole failing row, password hash included.
 */
export function clientFaultOf(error: unknown): ClientFault | undefined {
  const refusal = databaseRefusal(unwrapResolverError(error));
  const known = refusal && CLIENT_FAULTS[refusal.sqlState];
  if (!refusal || !known) return undefined;
  const [code, describe] = known;
  return { sqlState: refusal.sqlState, code, field: refusal.column, message: describe(refusal.column ? `The value of ${refusal.column}` : 'A value') };
}

/** True when the error was not raised on purpose nor caused by the client's input: a bug or an outage, to be logged and masked. */
export function isUnexpected(error: unknown): boolean {
  return !(unwrapResolverError(error) instanceof GraphQLError) && !clientFaultOf(error);
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
  const fault = clientFaultOf(error);
  if (fault) {
    // BAD_USER_INPUT always names a field; when the database does not say which, the input as a whole.
    const field = fault.field ?? (fault.code === 'BAD_USER_INPUT' ? 'input' : undefined);
    return { message: fault.message, locations: formatted.locations, path: formatted.path, extensions: { code: fault.code, ...(field ? { field } : {}) } };
  }
  if (isUnexpected(error)) {
    return { message: INTERNAL_ERROR_MESSAGE, locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  if (original instanceof GraphQLError && original.message === TOO_MANY_VARIABLE_ERRORS) {
    return { message: original.message, extensions: { code: 'BAD_USER_INPUT', field: 'variables' } };
  }
  // Apollo marks variables graphql-js could not coerce as BAD_USER_INPUT; over the socket nothing does but this.
  const code = formatted.extensions?.code ?? (isVariableProblem(original) ? 'BAD_USER_INPUT' : undefined);
  if (code === 'BAD_USER_INPUT' && formatted.extensions?.field === undefined) {
    // graphql-js reports bad variables as `Variable "$input" got invalid value ... at "input.email"; ...`
    // or `...; Field "password" of required type "String!" was not provided.`
    const at =
      /at "([^"]+)"/.exec(formatted.message)?.[1] ??
      /Field "(\w+)" of required type/.exec(formatted.message)?.[1] ??
      /Variable "\$(\w+)"/.exec(formatted.message)?.[1];
    if (at) return { ...formatted, extensions: { ...formatted.extensions, code, field: at.split('.').at(-1) } };
  }
  return formatted;
}

/** An error graphql-js raised about one variable's value (the only errors it attaches to a variable definition). */
function isVariableProblem(error: unknown): boolean {
  return error instanceof GraphQLError && error.nodes?.length === 1 && error.nodes[0]?.kind === Kind.VARIABLE_DEFINITION;
}

function firstProblem(errors: ValidationError[], prefix = ''): [field: string, message: string] {
  const [first] = errors;
  if (!first) return [prefix || 'input', 'Invalid input.'];
  const field = prefix ? `${prefix}.${first.property}` : first.property;
  const message = Object.values(first.constraints ?? {})[0];
  return message ? [field, message] : firstProblem(first.children ?? [], field);
}
