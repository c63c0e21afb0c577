import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { postGraphQL, startTestServer, type TestServer } from '../../helpers/server';
import { redisProblem, requireServices, SHARED_REDIS_URL, skipWithout } from '../../helpers/redis';
import { pollUntil, signedInClient, subscribe } from '../../helpers/subscriptions';

const METRICS_TOKEN = 'a-metrics-token-long-enough';

/** Every sample of the Prometheus text, by name and labels as written (`name{a="1",b="2"}`). */
async function scrape(server: TestServer, token?: string): Promise<Map<string, number>> {
  const response = await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    const match = /^([a-z_:][\w:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

const metricsStatus = async (server: TestServer, authorization?: string) =>
  (await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers: authorization ? { authorization } : {} })).status;

describe('GET /metrics', () => {
  let server: TestServer;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    // Real allowances, so that a limit can be reached.
    server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1' } });
    [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  });
  afterAll(() => server?.close());

  it('counts operations by type, first root field and outcome, with their latency', async () => {
    await postGraphQL(server.url, { query: '{ me { id } }' });
    await postGraphQL(server.url, { query: '{ me { id } }' }, { token: alice.accessToken });
    await postGraphQL(server.url, { query: '{ me { id' });
    await postGraphQL(server.url, { query: '{ noSuchField }' });
    await postGraphQL(server.url, { query: '{ __typename }' });
    const samples = await scrape(server);
    expect(samples.get('parley_graphql_operations_total{type="query",operation="me",outcome="UNAUTHENTICATED"}')).toBe(1);
    expect(samples.get('parley_graphql_operations_total{type="query",operation="me",outcome="ok"}')).toBe(1);
    expect(samples.get('parley_graphql_operations_total{type="unknown",operation="unknown",outcome="GRAPHQL_PARSE_FAILED"}')).toBe(1);
    expect(samples.get('parley_graphql_operations_total{type="query",operation="unknown",outcome="GRAPHQL_VALIDATION_FAILED"}')).toBe(1);
    expect(samples.get('parley_graphql_operations_total{type="query",operation="__typename",outcome="ok"}')).toBe(1);
    expect(samples.get('parley_graphql_operations_total{type="mutation",operation="signUp",outcome="ok"}')).toBe(2);
    expect(samples.get('parley_graphql_operation_duration_seconds_count{type="query",operation="me"}')).toBe(2);
    expect(samples.get('parley_http_requests_total{method="POST",route="/graphql",status="200"}')).toBeGreaterThanOrEqual(4);
  });

  it('counts sockets, live subscriptions by field, results delivered and the lag of live messages', async () => {
    const chatId = await createGroup(server, alice, [bob]);
    const client = signedInClient(server, bob.accessToken);
    try {
      const messages = subscribe<{ id: string }>(client, 'subscription { messageAdded { id } }');
      await pollUntil(
        async () => {
          await sendMessage(server, alice, chatId, { body: 'live?' });
          return messages.events.length;
        },
        (count) => count > 0,
        10_000,
        'the subscription to be live',
      );
      const samples = await scrape(server);
      expect(samples.get('parley_websocket_connections')).toBe(1);
      expect(samples.get('parley_websocket_connections_opened_total')).toBeGreaterThanOrEqual(1);
      expect(samples.get('parley_subscriptions_active{field="messageAdded"}')).toBe(1);
      expect(samples.get('parley_live_results_delivered_total{field="messageAdded"}')).toBe(messages.events.length);
      expect(samples.get('parley_message_delivery_lag_seconds_count')).toBeGreaterThanOrEqual(messages.events.length);
      expect(samples.get('parley_events_published_total{topic="message.added"}')).toBeGreaterThanOrEqual(1);
      expect(samples.get('parley_graphql_operations_total{type="subscription",operation="messageAdded",outcome="ok"}')).toBe(1);
    } finally {
      await client.dispose();
    }
    await pollUntil(() => scrape(server), (samples) => samples.get('parley_subscriptions_active{field="messageAdded"}') === 0, 5_000, 'the subscription to end');
  });

  it('counts refusals by limit', async () => {
    const chatId = await createGroup(server, alice, [bob]);
    const typing = () => postGraphQL(server.url, { query: 'mutation ($chatId: ID!) { setTyping(chatId: $chatId, isTyping: true) }', variables: { chatId } }, { token: alice.accessToken });
    const codes: unknown[] = [];
    for (let attempt = 0; attempt < 25; attempt += 1) codes.push((await typing()).errors?.[0]?.extensions.code);
    const refused = codes.filter((code) => code === 'RATE_LIMITED').length;
    expect(refused).toBeGreaterThan(0);
    expect((await scrape(server)).get('parley_rate_limit_refusals_total{limit="typingPerUser"}')).toBe(refused);
  });

  it('reports database statements, process memory and event-loop lag, and never a user id', async () => {
    const response = await fetch(server.url.replace(/\/graphql$/, '/metrics'));
    const text = await response.text();
    const samples = await scrape(server);
    expect(samples.get('parley_db_query_duration_seconds_count{route="sql"}')).toBeGreaterThan(0);
    expect(samples.get('parley_db_query_duration_seconds_count{route="prisma"}')).toBeGreaterThan(0);
    expect(samples.get('process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(samples.has('nodejs_eventloop_lag_seconds')).toBe(true);
    if (server.parley.database.engine === 'postgresql') {
      expect(samples.get('parley_db_pool_connections{pool="sql",state="total"}')).toBeGreaterThan(0);
      expect(samples.has('parley_db_pool_connections{pool="prisma",state="waiting"}')).toBe(true);
    }
    for (const user of [alice, bob]) expect(text).not.toContain(user.id);
  });
});

const redis = [await redisProblem(SHARED_REDIS_URL)];

describe.skipIf(skipWithout(redis))('GET /metrics with Redis', () => {
  it('tells whether each Redis connection is ready', async () => {
    requireServices(redis);
    const server = await startTestServer({ env: { REDIS_URL: SHARED_REDIS_URL } });
    try {
      const samples = await pollUntil(() => scrape(server), (read) => read.get('parley_redis_up{connection="subscribe"}') === 1, 5_000, 'Redis to be ready');
      for (const connection of ['publish', 'subscribe', 'commands']) expect(samples.get(`parley_redis_up{connection="${connection}"}`)).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('GET /metrics in production', () => {
  it('is off without METRICS_TOKEN', async () => {
    const server = await startTestServer({ env: { NODE_ENV: 'production' } });
    try {
      expect(await metricsStatus(server)).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('answers only the bearer of METRICS_TOKEN', async () => {
    const server = await startTestServer({ env: { NODE_ENV: 'production', METRICS_TOKEN } });
    try {
      expect(await metricsStatus(server)).toBe(401);
      expect(await metricsStatus(server, `Bearer ${METRICS_TOKEN}x`)).toBe(401);
      expect(await metricsStatus(server, METRICS_TOKEN)).toBe(401);
      expect((await scrape(server, METRICS_TOKEN)).get('parley_websocket_connections')).toBe(0);
    } finally {
      await server.close();
    }
  });
});
