import { type ClassType, Field, ObjectType } from 'type-graphql';
import { BadInputError } from '../errors/errors';
import { textProblem } from './input-text';

@ObjectType({ simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface Connection<TNode> {
  edges: Edge<TNode>[];
  nodes: TNode[];
  pageInfo: PageInfo;
}

/** The Relay connection and edge types of one node type: `class UserConnection extends ConnectionType(User) {}`. */
export function ConnectionType<TNode extends object>(nodeType: ClassType<TNode>) {
  @ObjectType(`${nodeType.name}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${nodeType.name}ConnectionBase`, { simpleResolvers: true })
  abstract class ConnectionClass implements Connection<TNode> {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => [nodeType])
    nodes!: TNode[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass;
}

export const MAX_PAGE_SIZE = 100;

/** A page size from `first`/`last`: the default when absent, BAD_USER_INPUT outside 0..100. */
export function pageSize(value: number | null | undefined, field: string, defaultSize: number): number {
  if (value === null || value === undefined) return defaultSize;
  if (value < 0 || value > MAX_PAGE_SIZE) {
    throw new BadInputError(field, `${field} must be between 0 and ${MAX_PAGE_SIZE}.`);
  }
  return value;
}

/** Cursors are opaque to clients: base64url of a JSON array of the keyset values. */
export function encodeCursor(keys: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

export function decodeCursor<TKeys extends readonly (string | number | null)[]>(
  cursor: string,
  field: string,
  isValid: (keys: unknown[]) => keys is [...TKeys],
): TKeys {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    keys = undefined;
  }
  // The JSON inside may spell out what the text rule refuses everywhere else (\u0000, lone surrogates).
  const readable = (list: unknown[]) => list.every((key) => typeof key !== 'string' || textProblem(key) === undefined);
  if (!Array.isArray(keys) || !readable(keys) || !isValid(keys)) throw new BadInputError(field, `${field} is not a valid cursor.`);
  return keys;
}

/** The latest time a cursor may hold: the end of year 9999, the last one ISO 8601 writes without a sign and PostgreSQL reads. */
const LAST_CURSOR_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A time (ms) the server could have put in a cursor: any other would fail as a Date or in the database. */
export function isCursorTime(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= LAST_CURSOR_TIME;
}

/** Builds a connection from one page of nodes, in the order they are to be shown. */
export function toConnection<TNode>(
  nodes: TNode[],
  cursorOf: (node: TNode) => string,
  flags: { hasNextPage: boolean; hasPreviousPage: boolean },
): Connection<TNode> {
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    edges,
    nodes,
    pageInfo: {
      ...flags,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
