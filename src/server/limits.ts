import { createRequire } from 'node:module';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  type DocumentNode,
  getNamedType,
  getOperationAST,
  type GraphQLSchema,
  GraphQLError,
  isListType,
  isNonNullType,
  Kind,
  parse,
  type GraphQLOutputType,
  specifiedRules,
  validate,
  type ValidationRule,
  visit,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';

// Its ESM build imports graphql/index.mjs, a second copy of graphql beside the one everything else
// uses ("Cannot use GraphQLObjectType from another module or realm"); its CommonJS build shares ours.
const { getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

export const LIMITS = {
  depth: 10,
  aliases: 15,
  directives: 50,
  tokens: 2_000,
  /**
   * The heaviest screen of the reference client (100 chats with last messages and members, plus a
   * page of history) costs about 9,000; `first: 100` nested three levels deep costs over 1,000,000.
   */
  cost: 25_000,
};

/**
 * How many items a list field is taken to return when the query does not say, by field name or, where
 * names meet, by `Type.field`: a page's default size, or what a message typically holds (its few
 * mentions, a handful of emoji, each with its first reactors).
 */
const DEFAULT_LIST_SIZE: Record<string, number> = {
  messages: 50,
  messagesSince: 100,
  members: 10,
  mentions: 3,
  reactions: 5,
  readBy: 10,
  'ReactionGroup.users': 10,
};
const FALLBACK_LIST_SIZE = 20;

function isList(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** A connection or list costs its children once per item it may return: `first`/`last` when given. */
const pageEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  const requested = [args.first, args.last].find((value) => typeof value === 'number') as number | undefined;
  const isConnection = getNamedType(field.type).name.endsWith('Connection');
  // A connection's edges and nodes are the items it already counted.
  if ((!isConnection && !isList(field.type)) || field.name === 'edges' || field.name === 'nodes') return undefined;
  const items = Math.max(1, requested ?? DEFAULT_LIST_SIZE[`${type.name}.${field.name}`] ?? DEFAULT_LIST_SIZE[field.name] ?? FALLBACK_LIST_SIZE);
  return 1 + items * Math.max(1, childComplexity);
};

/** Token counting happens while lexing, before any tree is built. */
export const PARSE_OPTIONS = { maxTokens: LIMITS.tokens };

const CREDENTIAL_MUTATIONS = new Set(['logIn', 'signUp', 'refreshSession']);

/** One credential check per request: several logIns in one document would multiply password guessing. */
const oneCredentialMutation: ValidationRule = (context) => {
  let seen = 0;
  return {
    Field(node) {
      if (context.getParentType()?.name !== 'Mutation' || !CREDENTIAL_MUTATIONS.has(node.name.value)) return;
      seen += 1;
      if (seen === 2) context.reportError(new GraphQLError('At most one logIn, signUp or refreshSession per request.', { nodes: [node] }));
    },
  };
};

/**
 * Costs already estimated, per document (each is parsed once and reused) and per the values of the
 * variables it uses as page sizes (`first`/`last`) or in `@include`/`@skip` (`if`): a cost depends on nothing else.
 */
const knownCosts = new WeakMap<DocumentNode, Map<string, number | undefined>>();
const KNOWN_COSTS_PER_DOCUMENT = 100;
const pageSizeVariables = new WeakMap<DocumentNode, string[]>();
const COST_ARGUMENTS = new Set(['first', 'last', 'if']);

function pageSizeVariablesOf(document: DocumentNode): string[] {
  let names = pageSizeVariables.get(document);
  if (!names) {
    const found = new Set<string>();
    visit(document, {
      Argument(node) {
        if (COST_ARGUMENTS.has(node.name.value) && node.value.kind === Kind.VARIABLE) found.add(node.value.name.value);
      },
    });
    pageSizeVariables.set(document, (names = [...found]));
  }
  return names;
}

/** The operation's estimated cost; undefined when its variables do not fit it (execution refuses them). */
function costOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
): number | undefined {
  const key = `${operationName ?? ''}:${pageSizeVariablesOf(document).map((name) => JSON.stringify(variables?.[name] ?? null)).join(',')}`;
  let known = knownCosts.get(document);
  if (known?.has(key)) return known.get(key);
  let cost: number | undefined;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables,
      operationName: operationName ?? undefined,
      estimators: [pageEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    // Variables of the wrong type: execution refuses them with BAD_USER_INPUT before anything runs.
    return undefined;
  }
  if (!known) knownCosts.set(document, (known = new Map()));
  if (known.size < KNOWN_COSTS_PER_DOCUMENT) known.set(key, cost);
  return cost;
}

/** Refuses an operation whose estimated cost passes the limit. */
export function assertAffordable(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | null | undefined,
  exposeLimits: boolean,
): void {
  // No such operation: graphql reports that itself (getComplexity would crash on it).
  if (!getOperationAST(document, operationName)) return;
  const cost = costOf(schema, document, variables, operationName);
  if (cost !== undefined && cost > LIMITS.cost) {
    const figures = exposeLimits ? ` (cost ${cost}, limit ${LIMITS.cost})` : '';
    throw new GraphQLError(`Query is too expensive${figures}; ask for smaller pages.`, {
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
    });
  }
}

/**
 * An operationName the document does not define is the client's mistake: 400, not Apollo's 500.
 * So is a subscription sent over HTTP, which Apollo would run once and fail on (it has no event to resolve).
 */
const clientMistakesAre400: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError(`Subscriptions run over the WebSocket (graphql-transport-ws) on the same path; send queries and mutations over HTTP.`, {
          extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
        });
      },
      async didEncounterErrors({ errors, response }) {
        if (errors.some((error) => error.extensions?.code === 'OPERATION_RESOLUTION_FAILURE')) response.http.status = 400;
      },
    };
  },
};

/** Depth, aliases, directives, tokens and (in production) no field suggestions, from graphql-armor; cost from the estimator above. */
export function operationLimits(production: boolean): {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  exposeLimits: boolean;
} {
  const exposeLimits = !production;
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.depth, exposeLimits },
    maxAliases: { n: LIMITS.aliases, exposeLimits },
    maxDirectives: { n: LIMITS.directives, exposeLimits },
    // graphql's own parser counts tokens (parseOptions), on both transports.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  const costPlugin: ApolloServerPlugin = {
    async requestDidStart() {
      return {

        async didResolveOperation({ document, request, schema }) {
          assertAffordable(schema, document, request.variables, request.operationName, exposeLimits);
        },
      };
    },
  };
  return {
    plugins: [...armor.plugins, costPlugin, clientMistakesAre400],
    validationRules: [...armor.validationRules, oneCredentialMutation],
    exposeLimits,
  };
}

/** The error with the code Apollo gives the same error over HTTP, unless it has one. */
function withCode(error: GraphQLError, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED'): GraphQLError {
  if (error.extensions.code) return error;
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, originalError: error.originalError, extensions: { ...error.extensions, code } });
}

/**
 * The same checks as over HTTP for operations sent over a socket (parse, validation with the
 * limits' rules, cost). Every client of an app sends the same few documents: each text is parsed
 * and validated once and held once in memory, shared by every socket that sends it; the cost check
 * also depends on the variables, so it runs each time.
 */
export function socketOperationCheck(
  schema: GraphQLSchema,
  limits: { validationRules: readonly ValidationRule[]; exposeLimits: boolean },
): (payload: { query: string; variables?: Record<string, unknown> | null; operationName?: string | null }) => { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  // At most 100 documents: each holds its compiled query (see CompiledOperations), which grows with
  // the fields it selects, some 100 KiB for a broad one; an app's clients send a few dozen.
  const documents = new LRUCache<string, DocumentNode>({ max: 100, maxSize: 4_000_000, sizeCalculation: (_document, text) => text.length });
  return (payload) => {
    let document = documents.get(payload.query);
    if (!document) {
      try {
        document = parse(payload.query, PARSE_OPTIONS);
      } catch (error) {
        return { errors: [withCode(error instanceof GraphQLError ? error : new GraphQLError(String(error)), 'GRAPHQL_PARSE_FAILED')] };
      }
      const errors = validate(schema, document, [...specifiedRules, ...limits.validationRules]);
      if (errors.length > 0) return { errors: errors.map((error) => withCode(error, 'GRAPHQL_VALIDATION_FAILED')) };
      documents.set(payload.query, document);
    }
    try {
      assertAffordable(schema, document, payload.variables ?? undefined, payload.operationName, limits.exposeLimits);
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    return { document };
  };
}
