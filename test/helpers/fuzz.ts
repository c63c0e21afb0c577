import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/**
 * Arbitraries for fuzzing the API: hostile strings over the whole of Unicode, Ints at the edges, and
 * whole operations generated from the schema's own types, so that a new operation is fuzzed as soon
 * as it exists. Arguments are often real ids, cursors and tokens of the caller (`Seeds`), so that
 * the operations get past the door into the services.
 */

/** Pools of real values, read when a value is generated (they grow as the fuzz reseeds). */
export interface Seeds {
  chatIds: string[];
  messageIds: string[];
  userIds: string[];
  friendshipIds: string[];
  usernames: string[];
  cursors: string[];
  refreshTokens: string[];
  passwords: string[];
  /** Tokens of emailed links (verification, password reset), read from the server's outbox. */
  tokens: string[];
}

export function emptySeeds(): Seeds {
  return { chatIds: [], messageIds: [], userIds: [], friendshipIds: [], usernames: [], cursors: [], refreshTokens: [], passwords: [], tokens: [] };
}

/** Known troublemakers: NUL, lone surrogates, direction controls, invisible characters, emoji sequences, SQL and LIKE syntax. */
const SPECIAL_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uDC00y', '\uDBFF\uDBFF', 'abc\u202Egnp.exe', '\u2066x\u2069', '\u202A\u202B\u202C\u202D',
  '\u200B', '\u200D', '\u200C', '\uFEFF', '\u3164', '\u2800', '\u115F\u1160', '\u{E0041}', '👩🏽‍💻', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '❤️', 'שלום', 'مرحبا',
  'e\u0301', '\u212B', '%', '_', '\\', "'; DROP TABLE \"User\"; --", '$1', '\r\n', '\t', '\u0085', '\u2028', '\uFFFF', '\u{10FFFF}', '\uFFFD',
];
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code));
const anyCharacter = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const trouble = fc.constantFrom('\u0000', '\u202E', '\u2066', '\u200D', '\uFEFF');

/** Any string: whole Unicode, lone surrogates mixed in, the known troublemakers, and very long ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: fc.oneof(anyCharacter, loneSurrogate, trouble), maxLength: 20 }) },
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  // Long: up to 20,000 UTF-16 units, past every limit on text (16,000 for a body) yet mostly within a socket message.
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }), fc.integer({ min: 100, max: 20_000 })).map(([text, length]) => text.repeat(Math.ceil(length / text.length)).slice(0, length)) },
);

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
/** Ints at the edges and in between; now and then a number no Int can hold. */
export const hostileInt: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, -1, 2, 50, 100, 101, 1000, INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1) },
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) },
  { weight: 2, arbitrary: fc.integer({ min: INT_MIN, max: INT_MAX }) },
  { weight: 1, arbitrary: fc.constantFrom(INT_MAX + 1, INT_MIN - 1, 1.5, 2 ** 53 + 2, 1e300, -1e300) },
);

/** A cursor made the way the server makes them (base64url of a JSON array), holding what the server never would. */
const craftedCursor = fc
  .array(fc.oneof(hostileString, hostileInt, fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(0, -1, 8.64e15, 8.64e15 + 1)), { maxLength: 3 })
  .map((keys) => Buffer.from(JSON.stringify(keys)).toString('base64url'));

/** An enum value: bare in a document, a string in variables. */
export class EnumValue {
  constructor(readonly name: string) {}
  toJSON(): string {
    return this.name;
  }
}

const pick = (pool: () => string[]) => fc.nat().map((index) => pool()[index % Math.max(1, pool().length)] ?? '');

/** Real values for an argument or input field, chosen by its name; undefined when the name says nothing. */
function realValuesFor(name: string, seeds: Seeds): fc.Arbitrary<string> | undefined {
  const lower = name.toLowerCase();
  const allIds = () => [...seeds.chatIds, ...seeds.messageIds, ...seeds.userIds];
  if (lower.endsWith('chatid')) return pick(() => seeds.chatIds);
  if (lower.endsWith('messageid')) return pick(() => seeds.messageIds);
  if (lower.endsWith('friendshipid')) return pick(() => seeds.friendshipIds);
  if (/(userid|memberid)s?$/.test(lower)) return pick(() => seeds.userIds);
  if (lower === 'id') return pick(allIds);
  if (lower === 'after' || lower === 'before') return fc.oneof(pick(() => seeds.cursors), craftedCursor);
  if (lower.includes('refreshtoken')) return pick(() => seeds.refreshTokens);
  if (lower.includes('password')) return pick(() => seeds.passwords);
  if (lower === 'token') return pick(() => seeds.tokens);
  if (lower === 'username' || lower === 'login' || lower === 'search') {
    return fc.oneof(pick(() => seeds.usernames), fc.stringMatching(/^[a-z][a-z0-9_.]{2,20}$/), fc.constantFrom('user', 'a', '%', '_'));
  }
  if (lower === 'email' || lower === 'newemail') return fc.oneof(pick(() => seeds.usernames).map((username) => `${username}@example.com`), fc.emailAddress());
  if (lower.endsWith('url')) return fc.constantFrom('https://files.example.com/a.png', 'http://localhost/x', 'javascript:alert(1)', `https://example.com/${'a'.repeat(2100)}`);
  if (lower === 'mimetype') return fc.constantFrom('image/png', 'text/plain', 'not a type');
  if (lower === 'emoji') return fc.constantFrom('👍', '🎉', '❤', '❤️', '👩🏽‍💻', 'abc', '👍👍');
  if (lower === 'query') return fc.constantFrom('seed', 'seed user', 'SÉED', 'se', '%', '<mark>');
  if (lower === 'clientid') return fc.oneof(fc.constantFrom('c-1', 'c-2', 'c-3'), fc.uuid());
  if (['body', 'name', 'displayname', 'bio'].includes(lower)) return fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.constantFrom('hello', 'Team', 'שלום 👋'));
  return undefined;
}

function stringFor(name: string, seeds: Seeds): fc.Arbitrary<string> {
  const real = realValuesFor(name, seeds);
  return real ? fc.oneof({ weight: 3, arbitrary: real }, { weight: 2, arbitrary: hostileString }) : hostileString;
}

function intFor(name: string): fc.Arbitrary<number> {
  return /seq$/i.test(name) ? fc.oneof(fc.integer({ min: 0, max: 12 }), hostileInt) : hostileInt;
}

/** A value of the wrong type, now and then, for the coercion to refuse. */
const wrongType = fc.oneof(fc.boolean(), fc.integer(), fc.string({ maxLength: 5 }), fc.constant({}), fc.constant([]));

function scalarFor(type: GraphQLNamedType, name: string, seeds: Seeds): fc.Arbitrary<unknown> {
  switch (type.name) {
    case 'String':
    case 'ID':
      return stringFor(name, seeds);
    case 'Int':
      return intFor(name);
    case 'Float':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'Boolean':
      return fc.boolean();
    default:
      return fc.oneof(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), hostileString);
  }
}

/** A value (never null) of a nullable type. */
function presentValue(type: GraphQLInputType, name: string, seeds: Seeds): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return presentValue(type.ofType, name, seeds);
  if (isListType(type)) {
    const few = fc.array(inputValue(type.ofType, name, seeds), { maxLength: 4 });
    // Past the limits of lists (1000 members): ids only, so the document stays small.
    const many = fc.array(fc.uuid(), { minLength: 990, maxLength: 1010 });
    return fc.oneof({ weight: 12, arbitrary: few }, { weight: 1, arbitrary: many });
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((field) => [field.name, inputValue(field.type, field.name, seeds)])), {
      requiredKeys: fields.filter((field) => isNonNullType(field.type)).map((field) => field.name),
    });
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((value) => new EnumValue(value.name));
    return fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: hostileString });
  }
  return scalarFor(type, name, seeds);
}

/** A value for an argument or input field: usually right, sometimes null (even where it may not be) or of the wrong type. */
export function inputValue(type: GraphQLInputType, name: string, seeds: Seeds): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 30, arbitrary: presentValue(type, name, seeds) },
    { weight: isNonNullType(type) ? 1 : 6, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: wrongType },
  );
}

/** A value written into the document: strings as JSON writes them (GraphQL reads the same escapes), enums bare. */
export function literal(value: unknown): string {
  if (value instanceof EnumValue) return value.name;
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${key}: ${literal(field)}`)
      .join(', ')}}`;
  }
  return value === null ? 'null' : typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Every leaf of a type, and (down to `depth`) its object fields' selections; fields that need arguments are left out. */
function selectionFor(type: GraphQLNamedType, depth: number, cache: Map<string, string>): string {
  if (isLeafType(type) || !(isObjectType(type) || isInterfaceType(type))) return '';
  const key = `${type.name}:${depth}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const parts: string[] = ['__typename'];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((arg) => isNonNullType(arg.type))) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (depth > 0) parts.push(`${field.name} ${selectionFor(named, depth - 1, cache)}`);
  }
  const selection = `{ ${parts.join(' ')} }`;
  cache.set(key, selection);
  return selection;
}

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface FuzzOperation {
  kind: OperationKind;
  field: string;
  query: string;
  variables: Record<string, unknown>;
  /** The arguments as generated (enum values as EnumValue), whether sent as variables or written inline. */
  args: Record<string, unknown>;
}

function operationFor(kind: OperationKind, field: GraphQLField<unknown, unknown>, seeds: Seeds, cache: Map<string, string>): fc.Arbitrary<FuzzOperation> {
  const args = fc.record(Object.fromEntries(field.args.map((arg) => [arg.name, inputValue(arg.type, arg.name, seeds)])), {
    requiredKeys: field.args.filter((arg) => isNonNullType(arg.type)).map((arg) => arg.name),
  });
  return fc.tuple(args, fc.integer({ min: 1, max: 3 }), fc.nat(3)).map(([values, depth, form]): FuzzOperation => {
    const given = field.args.filter((arg) => (values as Record<string, unknown>)[arg.name] !== undefined);
    const selection = selectionFor(getNamedType(field.type), depth, cache);
    const value = (arg: GraphQLArgument) => (values as Record<string, unknown>)[arg.name];
    // One in four writes the arguments into the document; the rest send them as variables.
    if (form === 0) {
      const written = given.map((arg) => `${arg.name}: ${literal(value(arg))}`).join(', ');
      return { kind, field: field.name, query: `${kind} { ${field.name}${written ? `(${written})` : ''} ${selection} }`, variables: {}, args: values };
    }
    const declared = given.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const passed = given.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    return {
      kind,
      field: field.name,
      query: `${kind} Fuzz${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selection} }`,
      variables: JSON.parse(JSON.stringify(Object.fromEntries(given.map((arg) => [arg.name, value(arg)])))) as Record<string, unknown>,
      args: values,
    };
  });
}

/** Every root field of the given kinds, each as likely as the others, with generated arguments. */
export function schemaOperations(schema: GraphQLSchema, kinds: OperationKind[], seeds: Seeds): { fields: string[]; operation: fc.Arbitrary<FuzzOperation> } {
  const cache = new Map<string, string>();
  const roots = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() };
  const operations = kinds.flatMap((kind) => Object.values(roots[kind]?.getFields() ?? {}).map((field) => ({ kind, field })));
  return {
    fields: operations.map(({ kind, field }) => `${kind} ${field.name}`),
    operation: fc.oneof(...operations.map(({ kind, field }) => operationFor(kind, field, seeds, cache))),
  };
}
