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

type Events = AsyncIterator<unknown>;

/** Where a subscription's results go: straight to its socket. `json` is the result already serialized, when it is shared. */
export interface LiveOutlet {
  send(result: ExecutionResult, json: string | undefined, context: unknown): void;
}

interface Resolved {
  result: ExecutionResult;
  /** Serialized once for all its receivers; absent when it is one subscriber's alone, or carries errors (masked per receiver). */
  json?: string;
}

/**
 * graphql-ws's `subscribe`: graphql-js makes the event stream (it calls the field's `subscribe`
 * with its arguments); each event is resolved by the document's compiled query and written to the
 * subscription's outlet. An event a feed shares is resolved and serialized once for all the
 * subscriptions with the same document and variables; each of them then writes the same frame.
 * graphql-ws keeps the protocol (subscribe, complete, errors) but not the per-event path.
 */
export function liveExecution(schema: GraphQLSchema, operations: CompiledOperations, outletOf: (args: ExecutionArgs) => LiveOutlet | undefined) {
  // Per shared view, per selection: the result while it is being resolved, then the result itself.
  const shared = new WeakMap<object, Map<string, Resolved | Promise<Resolved>>>();
  // Per compiled operation: a key prefix of its own when its selection is the same for every viewer, else null.
  const prefixes = new WeakMap<CompiledQuery, string | null>();
  let shareable = 0;
  const prefixOf = (query: CompiledQuery, document: DocumentNode, operationName: string | undefined) => {
    let prefix = prefixes.get(query);
    if (prefix === undefined) prefixes.set(query, (prefix = selectsOnlyViewerNeutralFields(schema, document, operationName) ? `${(shareable += 1)}\n` : null));
    return prefix;
  };

  return async (args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const outlet = outletOf(args);
    if (!outlet) throw new Error('A subscription without an outlet: live operations run over the socket only.');
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const events: Events = stream[Symbol.asyncIterator]();
    const operationName = args.operationName ?? undefined;
    const query = operations.compile(args.document, operationName);
    if (!isCompiledQuery(query)) {
      await events.return?.();
      return standardResult(query);
    }
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const context = args.contextValue as Context;
    // A subscription's context lives as long as the subscription: each event is resolved with fresh loaders.
    const run = async (payload: unknown) => {
      context.refreshLoaders();
      return standardResult(await query.query(payload, context, variables));
    };
    const prefix = prefixOf(query, args.document, operationName);
    const key = prefix === null ? undefined : prefix + JSON.stringify(variables);
    const resolve = (payload: unknown): Resolved | Promise<Resolved> => {
      if (key === undefined || typeof payload !== 'object' || payload === null || !sharedViews.has(payload)) return run(payload).then((result) => ({ result }));
      let results = shared.get(payload);
      if (!results) shared.set(payload, (results = new Map()));
      return results.get(key) ?? resolveOnce(results, key, () => run(payload));
    };
    return new Pump(events, resolve, ({ result, json }) => outlet.send(result, json, args.contextValue));
  };
}

/**
 * Resolves a shared result for every receiver: kept while it is being resolved, then kept as it is
 * (the receivers after the first write it without waiting another turn). A failure, or a result
 * with errors, is not kept: each receiver after it resolves its own.
 */
function resolveOnce(results: Map<string, Resolved | Promise<Resolved>>, key: string, run: () => Promise<ExecutionResult>): Promise<Resolved> {
  const resolved = run().then(
    (result) => {
      if (result.errors) {
        results.delete(key);
        return { result };
      }
      const done = { result, json: JSON.stringify(result) };
      results.set(key, done);
      return done;
    },
    (error: unknown) => {
      results.delete(key);
      throw error;
    },
  );
  results.set(key, resolved);
  return resolved;
}

/**
 * What graphql-ws iterates: its first `next` runs the subscription, each event resolved (`resolve`;
 * a shared result already there is written without waiting a turn) then written (`write`), in
 * order. It settles when the events end (graphql-ws then completes it) or fail (graphql-ws reports
 * the error). `return` (the client completes, or the socket closes) stops it.
 * A class: one is held per live subscription, and its methods are shared, not closures of each.
 */
class Pump implements AsyncIterableIterator<ExecutionResult> {
  private open = true;
  private running: Promise<IteratorResult<ExecutionResult>> | undefined;
  private stop: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
  private readonly stopped: Promise<IteratorResult<ExecutionResult>>;

  constructor(
    private readonly events: Events,
    private readonly resolve: (payload: unknown) => Resolved | Promise<Resolved>,
    private readonly write: (resolved: Resolved) => void,
  ) {
    this.stopped = new Promise((settle) => (this.stop = settle));
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    return Promise.race([(this.running ??= this.run()), this.stopped]);
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    await this.end();
    return { done: true, value: undefined };
  }

  async throw(error?: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.end();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async run(): Promise<IteratorResult<ExecutionResult>> {
    try {
      return await this.deliver();
    } catch (error) {
      // graphql-ws reports the error and forgets the subscription without ending it: its events end here.
      this.open = false;
      await this.events.return?.();
      throw error;
    }
  }

  private async deliver(): Promise<IteratorResult<ExecutionResult>> {
    for (;;) {
      const event = await this.events.next();
      if (event.done || !this.open) return { done: true, value: undefined };
      const pending = this.resolve(event.value);
      const resolved = pending instanceof Promise ? await pending : pending;
      if (!this.open) return { done: true, value: undefined };
      this.write(resolved);
    }
  }

  private async end(): Promise<void> {
    this.open = false;
    this.stop?.({ done: true, value: undefined });
    await this.events.return?.();
  }
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
