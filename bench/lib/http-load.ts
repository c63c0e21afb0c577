import autocannon from 'autocannon';
import { Client } from 'undici';
import { CheckFailure, type Measurement, type Timing } from './types';

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/**
 * One keep-alive HTTP connection of one client (one request at a time). A GraphQL error comes
 * in an HTTP 200 too: every answer is parsed, and an error fails the operation under its code.
 */
export class GraphQLConnection {
  private readonly client: Client;
  private readonly path: string;
  private readonly headers: Record<string, string>;

  constructor(url: string, token?: string) {
    const target = new URL(url);
    this.client = new Client(target.origin, { pipelining: 1, keepAliveTimeout: 120_000 });
    this.path = target.pathname;
    this.headers = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  /** `token` signs this one request in as someone else than the connection's user. */
  async request<T>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    const headers = token ? { ...this.headers, authorization: `Bearer ${token}` } : this.headers;
    const response = await this.client.request({ method: 'POST', path: this.path, headers, body: JSON.stringify({ query, variables }) });
    const text = await response.body.text();
    if (response.statusCode !== 200) throw new CheckFailure(`HTTP_${response.statusCode}`, text.slice(0, 200));
    const answer = JSON.parse(text) as GraphQLAnswer<T>;
    const [error] = answer.errors ?? [];
    if (error) throw new CheckFailure(error.extensions?.code ?? 'GRAPHQL_ERROR', error.message);
    if (answer.data == null) throw new CheckFailure('NO_DATA', text.slice(0, 200));
    return answer.data;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

export interface FixedRequestParams {
  url: string;
  /** The JSON body sent with every request. */
  body: string;
  connections: number;
  /** The `data` every answer must carry (compared after parsing; any `errors` fails it). */
  expectData: unknown;
}

/**
 * The same POST over and over on `connections` keep-alive connections, with autocannon (its
 * HTTP client is far lighter than a general one, so the load generator is not what limits a
 * fast server). Every answer body is parsed and checked.
 */
async function fixedRequest(params: FixedRequestParams, timing: Timing): Promise<Measurement> {
  const expected = JSON.stringify(params.expectData);
  const options = (ms: number): autocannon.Options => ({
    url: params.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: params.body,
    connections: params.connections,
    pipelining: 1,
    duration: ms / 1000,
    verifyBody: (body) => {
      try {
        const answer = JSON.parse(String(body)) as GraphQLAnswer<unknown>;
        return !answer.errors && JSON.stringify(answer.data) === expected;
      } catch {
        return false;
      }
    },
  });
  const warmup = await autocannon(options(timing.warmupMs));
  const result = await autocannon(options(timing.measureMs));
  const failures: Record<string, number> = {};
  for (const run of [warmup, result]) {
    const counts = { HTTP_NOT_2XX: run.non2xx, CONNECTION_ERROR: run.errors - run.timeouts, TIMEOUT: run.timeouts, WRONG_ANSWER: run.mismatches };
    for (const [code, count] of Object.entries(counts)) if (count > 0) failures[code] = (failures[code] ?? 0) + count;
  }
  return {
    throughput: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    count: result['2xx'],
    completed: warmup['2xx'] + result['2xx'],
    failures,
    samples: Object.keys(failures).length > 0 ? [`expected data ${expected}`] : [],
  };
}

export const loads = { fixedRequest };
