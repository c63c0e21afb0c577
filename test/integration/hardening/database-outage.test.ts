import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeDocument, SendMessageDocument } from '../../generated/graphql';
import { createGroup } from '../../helpers/chat-factories';
import { createPostgresDatabase, type TestDatabase } from '../../helpers/database';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';
import { TcpProxy } from '../../helpers/tcp-proxy';

/** The machine's PostgreSQL: the server reaches it only through the proxy, which the test controls. */
const POSTGRES_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
/** What a client may wait for an answer while the database is gone. */
const FAIL_WITHIN_MS = 10_000;
const READYZ_WITHIN_MS = 3_000;
const RECOVER_WITHIN_MS = 20_000;

/** A new database on the machine's PostgreSQL, whose URL goes through `proxyPort`. */
async function createDatabaseBehind(proxyPort: number): Promise<TestDatabase> {
  const database = await createPostgresDatabase(POSTGRES_URL);
  const url = new URL(database.options.databaseUrl!);
  url.port = String(proxyPort);
  return { ...database, options: { databaseUrl: url.toString() } };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - started) };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A masked failure: INTERNAL_SERVER_ERROR with the request id, and nothing of the SQL or the driver. */
function expectMaskedFailure(result: GraphQLResponse<unknown>): void {
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors!;
  expect(error!.extensions.code).toBe('INTERNAL_SERVER_ERROR');
  expect(error!.extensions.requestId).toEqual(expect.any(String));
  expect(error!.message).toBe('Internal server error');
  expect(JSON.stringify(result.errors)).not.toMatch(/select|insert|update|from "|econn|postgres|prisma|timeout/i);
}

describe('a database outage', () => {
  let proxy: TcpProxy;
  let database: TestDatabase;
  let server: TestServer;
  let alice: TestUser;
  let chatId: string;
  let sent = 0;

  const http = (path: string) => fetch(new URL(path, server.url), { signal: AbortSignal.timeout(30_000) });
  const me = () => server.request(MeDocument, {}, { token: alice.accessToken });
  const send = () => {
    sent += 1;
    return server.request(SendMessageDocument, { input: { chatId, body: `message ${sent}`, clientId: `outage-${sent}` } }, { token: alice.accessToken });
  };

  /** Polls until /readyz says 200 and an operation works again; returns how long it took. */
  async function recovery(): Promise<number> {
    const started = performance.now();
    for (;;) {
      const ready = await http('/readyz').then((response) => response.status === 200);
      if (ready && (await me()).data?.me.id === alice.id) return Math.round(performance.now() - started);
      if (performance.now() - started > RECOVER_WITHIN_MS) throw new Error(`not recovered within ${RECOVER_WITHIN_MS} ms`);
      await delay(200);
    }
  }

  /** While the database is unreachable: not ready within 3 s, operations fail masked within 10 s, alive. */
  async function expectUnavailable(what: string): Promise<void> {
    const readyz = await timed(() => http('/readyz'));
    expect(readyz.value.status).toBe(503);
    expect(readyz.ms).toBeLessThan(READYZ_WITHIN_MS);

    const [query, mutation] = await Promise.all([timed(me), timed(send)]);
    for (const { value, ms } of [query, mutation]) {
      expectMaskedFailure(value);
      expect(ms).toBeLessThan(FAIL_WITHIN_MS);
    }
    expect((await http('/healthz')).status).toBe(200);
    console.log(`database ${what}: /readyz 503 in ${readyz.ms} ms, me failed in ${query.ms} ms, sendMessage failed in ${mutation.ms} ms`);
  }

  beforeAll(async () => {
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: 5432 });
    database = await createDatabaseBehind(proxy.port);
    server = await startTestServer({ database });
    alice = await signUpUser(server);
    chatId = await createGroup(server, alice, [await signUpUser(server)]);
  });

  afterAll(async () => {
    await proxy?.start();
    await server?.close();
    await proxy?.close();
    await database?.drop();
  });

  it('is ready and answers operations while the database is reachable', async () => {
    expect((await http('/readyz')).status).toBe(200);
    expect((await me()).data?.me.id).toBe(alice.id);
    expect((await send()).data?.sendMessage.seq).toBe(1);
  });

  it('reports not ready and fails operations within seconds, without details, while the database is down', async () => {
    await proxy.stop();
    await expectUnavailable('down');
  });

  it('becomes ready and answers again without a restart once the database is back', async () => {
    await proxy.start();
    const ms = await recovery();
    console.log(`database back: ready and answering after ${ms} ms`);
    expect((await send()).data?.sendMessage.seq).toBe(2);
  });

  it('fails operations within seconds when the database stops answering (black hole), and recovers', async () => {
    // Pooled connections exist and are idle: the operations hang on them, not on connecting.
    expect(proxy.connections).toBeGreaterThan(0);
    await proxy.blackhole();
    await expectUnavailable('black-holed');
    await proxy.start();
    const ms = await recovery();
    console.log(`black hole lifted: ready and answering after ${ms} ms`);
    expect((await send()).data?.sendMessage.seq).toBe(3);
  }, 60_000);
});

describe('the database ending idle connections (a restart, a failover)', () => {
  it('loses nothing: the process stays up and the next operations open new connections', async () => {
    const database = await createPostgresDatabase(POSTGRES_URL);
    const server = await startTestServer({ database });
    try {
      const alice = await signUpUser(server);
      const chatId = await createGroup(server, alice, [await signUpUser(server)]);
      const send = (body: string) => server.request(SendMessageDocument, { input: { chatId, body } }, { token: alice.accessToken });
      // Both pools hold idle connections: Prisma's (the group) and the hot paths' (the send).
      expect((await send('before')).errors).toBeUndefined();
      const name = new URL(database.options.databaseUrl!).pathname.slice(1);
      const admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
      const { rows } = await admin.query<{ ended: boolean }>('SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1', [name]);
      await admin.end();
      expect(rows.length).toBeGreaterThan(1);
      await delay(200);
      expect((await send('after')).errors).toBeUndefined();
      expect((await server.request(MeDocument, {}, { token: alice.accessToken })).data?.me.id).toBe(alice.id);
    } finally {
      await server.close();
      await database.drop();
    }
  });
});

