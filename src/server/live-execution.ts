import {
  createSourceEventStream,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  getOperationAST,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { type CompiledQuery, isCompiledQuery } from 'graphql-jit';
import { LiveFeed, type LiveSink, MAX_WAITING_EVENTS } from '../realtime/live-feed';
import type { Context } from './context';
import { type CompiledOperations, standardResult } from './executor';

/**
 * Marks a field whose value, on an event a feed shares (see `sameForEveryViewer`), comes from that
 * event alone: `@Extensions(SAME_FOR_EVERY_VIEWER)`. Fields without a resolver of their own read
 * their parent and need no mark; a resolver that reads the viewer must never have it.
 */
export const SAME_FOR_EVERY_VIEWER = { sameForEveryViewer: true } as const;

const sharedViews = new WeakSet<object>();

/**
 * A feed hands `view` to every receiver of an event who may see the same thing (never the one
 * object that carries a viewer's own data, such as their email): a subscription whose selection is
 * all such fields is then executed and serialized once per event, not once per receiver.
 */
export function sameForEveryViewer<T extends object>(view: T): T {
  sharedViews.add(view);
  return view;
}

/**
 * Whether `view` is shared by the receivers of an event: a resolver marked SAME_FOR_EVERY_VIEWER
 * then shows what it reads as it would to anyone (no one's email), and shares what it returns.
 */
export function isSharedView(view: object): boolean {
  return sharedViews.has(view);
}

/** Where a subscription's results go: straight to its socket. `json` is the result already serialized, when it is shared. */
export interface LiveOutlet {
  send(result: ExecutionResult, json: string | undefined, context: unknown): void;
  /** The subscriber cannot keep up: its socket is closed (1013) so that the client catches up. */
  tooSlow(): void;
}

interface Resolved {
  result: ExecutionResult;
  /** Serialized once for all its receivers; absent when it is one subscriber's alone, or carries errors (masked per receiver). */
  json?: string;
}

/** Per shared view, per selection: the result while it is being resolved, then the result itself. */
type SharedResults = WeakMap<object, Map<string, Resolved | Promise<Resolved>>>;

/** One subscription field's counts: subscriptions live now, results written since the start. */
interface FieldCount {
  active: number;
  delivered: number;
}

/** Counts per subscription field, kept as plain numbers on the hot path and read when metrics are scraped. */
export class LiveTally {
  private readonly fields = new Map<string, FieldCount>();

  of(field: string): FieldCount {
    let count = this.fields.get(field);
    if (!count) this.fields.set(field, (count = { active: 0, delivered: 0 }));
    return count;
  }

  read(): ({ field: string } & FieldCount)[] {
    return [...this.fields].map(([field, count]) => ({ field, ...count }));
  }
}

/** What is known of a compiled subscription once: its shared-results key prefix (null: never shared), and its count. */
interface Operation {
  prefix: string | null;
  count: FieldCount;
}

/**
 * graphql-ws's `subscribe`: graphql-js makes the event stream (it calls the field's `subscribe`
 * with its arguments, which returns the feature's LiveFeed); the feed then pushes each event to the
 * subscription, which resolves it by the document's compiled query and writes it to its outlet, in
 * the same call when every resolver answers at once. An event a feed shares is resolved and
 * serialized once for all the subscriptions with the same document and variables; each of them then
 * writes the same frame. graphql-ws keeps the protocol (subscribe, complete, errors) but not the
 * per-event path.
 */
export function liveExecution(schema: GraphQLSchema, operations: CompiledOperations, outletOf: (args: ExecutionArgs) => LiveOutlet | undefined, tally: LiveTally) {
  const shared: SharedResults = new WeakMap();
  // Per compiled operation: a key prefix of its own when its selection is the same for every viewer, and its field's count.
  const known = new WeakMap<CompiledQuery, Operation>();
  let shareable = 0;
  const operationOf = (query: CompiledQuery, document: DocumentNode, operationName: string | undefined): Operation => {
    let operation = known.get(query);
    if (!operation) {
      const prefix = selectsOnlyViewerNeutralFields(schema, document, operationName) ? `${(shareable += 1)}\n` : null;
      known.set(query, (operation = { prefix, count: tally.of(rootFieldOf(document, operationName)) }));
    }
    return operation;
  };

  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const outlet = outletOf(args);
    if (!outlet) throw new Error('A subscription without an outlet: live operations run over the socket only.');
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    if (!(stream instanceof LiveFeed)) throw new Error("A live operation's subscribe must return a LiveFeed (see `live`).");
    const operationName = args.operationName ?? undefined;
    const query = operations.compile(args.document, operationName);
    if (!isCompiledQuery(query)) {
      stream.close();
      return standardResult(query);
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const { prefix, count } = operationOf(query, args.document, operationName);
    const key = prefix === null ? undefined : prefix + JSON.stringify(variables);
    return new LiveSubscription(stream, query, args.contextValue as Context, variables, key, shared, outlet, count);
  };
}

/**
 * One live subscription, as graphql-ws holds it: its first `next` attaches it to its feed, and
 * settles only when the subscription ends (done) or fails (graphql-ws reports the error). Each event
 * is resolved and written in order: one whose resolvers answer later holds the events after it until
 * it is written. `return` (the client completes, or the socket closes) stops it.
 * A class: one is held per live subscription, and its methods are shared, not closures of each.
 */
class LiveSubscription implements AsyncIterableIterator<ExecutionResult>, LiveSink<unknown> {
  private open = true;
  private ended: Promise<IteratorResult<ExecutionResult>> | undefined;
  private settle: { resolve(result: IteratorResult<ExecutionResult>): void; reject(error: unknown): void } | undefined;
  /** Events that came while an earlier one was being resolved. */
  private waiting: unknown[] | undefined;

  constructor(
    private readonly feed: LiveFeed<unknown>,
    private readonly query: CompiledQuery,
    private readonly context: Context,
    private readonly variables: Record<string, unknown>,
    /** Set when the selection is the same for every viewer: its results on shared views are shared. */
    private readonly key: string | undefined,
    private readonly shared: SharedResults,
    private readonly outlet: LiveOutlet,
    private readonly count: FieldCount,
  ) {}

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (!this.ended) {
      this.ended = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
      if (!this.open) this.settle!.resolve({ done: true, value: undefined });
      else {
        this.count.active += 1;
        this.feed.attach(this);
      }
    }
    return this.ended;
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.stop();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    this.stop();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  deliver(payload: unknown): void {
    if (!this.open) return;
    if (this.waiting) {
      if (this.waiting.length < MAX_WAITING_EVENTS) this.waiting.push(payload);
      else this.outlet.tooSlow();
      return;
    }
    let resolved: Resolved | Promise<Resolved>;
    try {
      resolved = this.resolve(payload);
      if (!(resolved instanceof Promise)) return this.write(resolved);
    } catch (error) {
      // Its own failure ends this subscription only: the feed goes on to the other receivers.
      return this.fail(error);
    }
    this.waiting = [];
    resolved.then(
      (later) => this.resolvedLater(later),
      (error: unknown) => this.fail(error),
    );
  }

  /** The event that held the others is resolved: it is written, then those that waited are taken in order. */
  private resolvedLater(resolved: Resolved): void {
    if (!this.open) return;
    try {
      this.write(resolved);
    } catch (error) {
      return this.fail(error);
    }
    const waiting = this.waiting!;
    this.waiting = undefined;
    for (const next of waiting) this.deliver(next);
  }

  fail(error: unknown): void {
    if (!this.open) return;
    this.end();
    this.settle?.reject(error);
  }

  private write({ result, json }: Resolved): void {
    this.count.delivered += 1;
    this.outlet.send(result, json, this.context);
  }

  private resolve(payload: unknown): Resolved | Promise<Resolved> {
    if (this.key === undefined || typeof payload !== 'object' || payload === null || !sharedViews.has(payload)) {
      const result = this.run(payload);
      return result instanceof Promise ? result.then((later) => ({ result: later })) : { result };
    }
    let results = this.shared.get(payload);
    if (!results) this.shared.set(payload, (results = new Map()));
    return results.get(this.key) ?? resolveOnce(results, this.key, this.run(payload));
  }

  /** Resolves the event with fresh loaders (a subscription's context lives as long as the subscription). */
  private run(payload: unknown): ExecutionResult | Promise<ExecutionResult> {
    this.context.refreshLoaders();
    const result = this.query.query(payload, this.context, this.variables);
    return result instanceof Promise ? result.then(standardResult) : standardResult(result);
  }

  private stop(): void {
    if (this.open) this.end();
    this.settle?.resolve({ done: true, value: undefined });
  }

  private end(): void {
    this.open = false;
    this.waiting = undefined;
    this.feed.close();
    if (this.settle) this.count.active -= 1;
  }
}

/**
 * Keeps a shared result for every receiver: as it is when it was resolved at once, else while it is
 * being resolved and then as it is (the receivers after the first write it without waiting a turn).
 * A failure, or a result with errors, is not kept: each receiver after it resolves its own.
 */
function resolveOnce(results: Map<string, Resolved | Promise<Resolved>>, key: string, run: ExecutionResult | Promise<ExecutionResult>): Resolved | Promise<Resolved> {
  const keep = (result: ExecutionResult): Resolved => {
    if (result.errors) {
      results.delete(key);
      return { result };
    }
    const done = { result, json: JSON.stringify(result) };
    results.set(key, done);
    return done;
  };
  if (!(run instanceof Promise)) return keep(run);
  const resolved = run.then(keep, (error: unknown) => {
    results.delete(key);
    throw error;
  });
  results.set(key, resolved);
  return resolved;
}

/** The subscription's (first) root field. */
function rootFieldOf(document: DocumentNode, operationName: string | undefined): string {
  const first = getOperationAST(document, operationName)?.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : 'unknown';
}

/** True when every field the operation selects reads only its parent (no resolver) or is marked SAME_FOR_EVERY_VIEWER. */
export function selectsOnlyViewerNeutralFields(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (!operation) return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const checked = new Set<string>();
  let neutral = true;
  const check = (root: OperationDefinitionNode | FragmentDefinitionNode) => {
    const typeInfo = new TypeInfo(schema);
    const spreads: FragmentDefinitionNode[] = [];
    visit(
      root,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          if (node.name.value === '__typename') return;
          const field = typeInfo.getFieldDef();
          if (!field || (field.resolve && field.extensions?.sameForEveryViewer !== true)) neutral = false;
        },
        FragmentSpread(node) {
          const fragment = fragments.get(node.name.value);
          if (!fragment) neutral = false;
          else if (!checked.has(fragment.name.value)) {
            checked.add(fragment.name.value);
            spreads.push(fragment);
          }
        },
      }),
    );
    for (const fragment of spreads) check(fragment);
  };
  check(operation);
  return neutral;
}
