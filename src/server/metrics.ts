import { getOperationAST, type DocumentNode, type GraphQLSchema, Kind, type OperationTypeNode } from 'graphql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The outcomes an operation is counted under: `ok`, or the code of its first error (the contract's and graphql-js's). */
const OUTCOMES = new Set([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'BAD_REQUEST',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'OPERATION_RESOLUTION_FAILURE',
]);
const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface OperationLabels {
  type: OperationTypeNode | 'unknown';
  operation: string;
}

const UNKNOWN_OPERATION: OperationLabels = { type: 'unknown', operation: 'unknown' };

/** What is read when the metrics are scraped: counts kept where they happen, at no cost per event. */
export interface MetricSources {
  openSockets(): number;
  /** Per subscription field: live subscriptions now, and results written to sockets since the start. */
  live(): { field: string; active: number; delivered: number }[];
  pools(): { pool: string; total: number; idle: number; waiting: number }[];
  redis(): { connection: string; up: boolean }[];
}

/**
 * What an operator watches, as Prometheus metrics (`GET /metrics`). Label values are bounded:
 * operations are named by their first root field, from the schema (anything else is `unknown`),
 * outcomes by a known error code, routes by Fastify's route pattern. Never a user id.
 */
export class Metrics {
  readonly registry = new Registry();
  private rootFields = new Map<string, Set<string>>();
  private sources: Partial<MetricSources> = {};
  /** Events published, by topic, and HTTP requests, by method, route and status: plain counts on the hot path, read when scraped. */
  private readonly publishedByTopic = new Map<string, number>();
  private readonly httpByKey = new Map<string, { labels: { method: string; route: string; status: string }; count: number }>();
  /** Each operation's labels, worked out once per parsed document. */
  private readonly labelsByDocument = new WeakMap<DocumentNode, Map<string, OperationLabels>>();

  private readonly operations = new Counter({
    name: 'parley_graphql_operations_total',
    help: 'GraphQL operations answered, by type, first root field and outcome (ok, or the code of the first error).',
    labelNames: ['type', 'operation', 'outcome'],
    registers: [this.registry],
  });
  private readonly operationSeconds = new Histogram({
    name: 'parley_graphql_operation_duration_seconds',
    help: 'Time to answer a GraphQL query or mutation (over HTTP or a socket), by type and first root field.',
    labelNames: ['type', 'operation'],
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly socketsOpened = new Counter({
    name: 'parley_websocket_connections_opened_total',
    help: 'WebSocket connections accepted.',
    registers: [this.registry],
  });
  private readonly lag = new Histogram({
    name: 'parley_message_delivery_lag_seconds',
    help: "Time from a message's creation until this instance has written it to its recipients' sockets here (once per message and instance; replays and gap fills left out).",
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly slowClosed = new Counter({
    name: 'parley_slow_consumer_closes_total',
    help: 'Sockets closed (1013) because their reader fell too far behind.',
    registers: [this.registry],
  });
  private readonly refusals = new Counter({
    name: 'parley_rate_limit_refusals_total',
    help: 'Requests refused by a rate limit, by limit.',
    labelNames: ['limit'],
    registers: [this.registry],
  });
  private readonly querySeconds = new Histogram({
    name: 'parley_db_query_duration_seconds',
    help: "Database statements' time, by route (prisma, or the hot paths' sql).",
    labelNames: ['route'],
    buckets: SECONDS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const sources = () => this.sources;
    const published = this.publishedByTopic;
    const http = this.httpByKey;
    new Counter({
      name: 'parley_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { labels, count } of http.values()) this.inc(labels, count);
      },
    });
    new Counter({
      name: 'parley_events_published_total',
      help: 'Live events published by this instance, by topic.',
      labelNames: ['topic'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [topic, count] of published) this.inc({ topic }, count);
      },
    });
    new Gauge({
      name: 'parley_websocket_connections',
      help: 'WebSocket connections open now.',
      registers: [this.registry],
      collect() {
        this.set(sources().openSockets?.() ?? 0);
      },
    });
    new Gauge({
      name: 'parley_subscriptions_active',
      help: 'Live subscriptions now, by subscription field.',
      labelNames: ['field'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { field, active } of sources().live?.() ?? []) this.set({ field }, active);
      },
    });
    new Counter({
      name: 'parley_live_results_delivered_total',
      help: 'Live results written to sockets, by subscription field.',
      labelNames: ['field'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { field, delivered } of sources().live?.() ?? []) this.inc({ field }, delivered);
      },
    });
    new Gauge({
      name: 'parley_db_pool_connections',
      help: "PostgreSQL connections of each pool, by state (total, idle, waiting: requests queued for one).",
      labelNames: ['pool', 'state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { pool, ...states } of sources().pools?.() ?? []) for (const [state, count] of Object.entries(states)) this.set({ pool, state }, count);
      },
    });
    new Gauge({
      name: 'parley_redis_up',
      help: 'Whether each Redis connection is ready (1) or not (0); none without REDIS_URL.',
      labelNames: ['connection'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { connection, up } of sources().redis?.() ?? []) this.set({ connection }, up ? 1 : 0);
      },
    });
  }

  /** The schema's root fields name operations; anything else is counted as `unknown`. */
  nameOperationsFrom(schema: GraphQLSchema): void {
    const roots: [string, ReturnType<GraphQLSchema['getQueryType']>][] = [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ];
    // Introspection's own fields are known names too: `{ __typename }` is a common health probe.
    const introspection = ['__typename', '__schema', '__type'];
    this.rootFields = new Map(roots.map(([type, root]) => [type, new Set([...Object.keys(root?.getFields() ?? {}), ...introspection])]));
  }

  /** Where the gauges read from when scraped. */
  watch(sources: Partial<MetricSources>): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** The type and first root field of the operation in `document`, as labels (documents are parsed once per text, so this is worked out once). */
  labelsOf(document: DocumentNode | undefined, operationName: string | null | undefined): OperationLabels {
    if (!document) return UNKNOWN_OPERATION;
    let byName = this.labelsByDocument.get(document);
    if (!byName) this.labelsByDocument.set(document, (byName = new Map()));
    let labels = byName.get(operationName ?? '');
    if (!labels) byName.set(operationName ?? '', (labels = this.workOutLabels(document, operationName)));
    return labels;
  }

  private workOutLabels(document: DocumentNode, operationName: string | null | undefined): OperationLabels {
    const operation = getOperationAST(document, operationName);
    if (!operation) return UNKNOWN_OPERATION;
    const first = operation.selectionSet.selections.find((selection) => selection.kind === Kind.FIELD);
    const name = first?.kind === Kind.FIELD ? first.name.value : undefined;
    return { type: operation.operation, operation: name !== undefined && this.rootFields.get(operation.operation)?.has(name) ? name : 'unknown' };
  }

  /** An operation answered; `codes` are its errors' codes, in order. */
  operation(labels: OperationLabels, codes: readonly unknown[], seconds: number | undefined): void {
    const code = codes[0];
    const outcome = codes.length === 0 ? 'ok' : typeof code === 'string' && OUTCOMES.has(code) ? code : 'OTHER';
    this.operations.inc({ ...labels, outcome });
    if (seconds !== undefined) this.operationSeconds.observe(labels, seconds);
  }

  httpRequest(method: string, route: string | undefined, status: number): void {
    const key = `${method} ${route} ${status}`;
    const known = this.httpByKey.get(key);
    if (known) known.count += 1;
    else this.httpByKey.set(key, { labels: { method, route: route ?? 'unmatched', status: String(status) }, count: 1 });
  }

  socketOpened(): void {
    this.socketsOpened.inc();
  }

  published(topic: string, count = 1): void {
    this.publishedByTopic.set(topic, (this.publishedByTopic.get(topic) ?? 0) + count);
  }

  /** A message this instance has just written to every recipient socket it has. */
  messageRouted(createdAt: Date): void {
    this.lag.observe(Math.max(0, Date.now() - createdAt.getTime()) / 1000);
  }

  slowConsumerClosed(): void {
    this.slowClosed.inc();
  }

  rateLimited(limit: string): void {
    this.refusals.inc({ limit });
  }

  query(route: 'prisma' | 'sql', seconds: number): void {
    this.querySeconds.observe({ route }, seconds);
  }
}
