import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { Logger } from 'pino';
import type { SessionCacheOptions } from '../../src/auth/session-cache';
import { loadConfig, type Config } from '../../src/config/config';
import type { DatabaseOptions } from '../../src/db/database';
import type { MailerOptions } from '../../src/mail/mailer';
import { type Parley, startParley } from '../../src/server/parley';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface GraphQLResponse<TData> {
  status: number;
  data: TData | null | undefined;
  errors: { message: string; extensions: Record<string, unknown> & { code: string; field?: string } }[] | undefined;
  headers: Headers;
}

export interface TestServer {
  parley: Parley;
  url: string;
  config: Config;
  /** Sends one operation over HTTP POST, as a client would. */
  request<TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    options?: { token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<TData>>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_COST: '10',
    LOG_LEVEL: 'silent',
    // Suites sign up hundreds of users from one address; the rate-limit tests set it back to 1.
    RATE_LIMIT_SCALE: '1000',
    ...env,
  });
}

/** The real server on a free port, on a database of its own; `close` stops both. */
export async function startTestServer(
  options: {
    env?: Record<string, string>;
    database?: TestDatabase;
    databaseOptions?: Partial<DatabaseOptions>;
    logger?: Logger;
    /** The session cache's lifetime and size (a long lifetime shows that revocations evict). */
    sessionCache?: Partial<SessionCacheOptions>;
    /** The web client's folder (default: web/dist, built or not). */
    webClientDir?: string;
    /** How soon failed emails are tried again. */
    mailer?: Partial<MailerOptions>;
  } = {},
): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase());
  // Uploads land under DATA_DIR: a folder of this server's own, removed with it, unless the test names one.
  const dataDir = options.env?.DATA_DIR ? undefined : mkdtempSync(join(tmpdir(), 'parley-test-data-'));
  const config = testConfig({ ...(dataDir ? { DATA_DIR: dataDir } : {}), ...options.env });
  const parley = await startParley(config, {
    database: { ...database.options, ...options.databaseOptions },
    logger: options.logger,
    sessionCache: options.sessionCache,
    webClientDir: options.webClientDir,
    mailer: options.mailer,
  });
  return {
    parley,
    url: parley.url,
    config,
    request: (document, variables, requestOptions = {}) =>
      postGraphQL(parley.url, { query: print(document), variables }, requestOptions),
    close: async () => {
      await parley.close();
      if (!options.database) await database.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function postGraphQL<TData>(
  url: string,
  body: unknown,
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<TData>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as { data?: TData | null; errors?: GraphQLResponse<TData>['errors'] };
  return { status: response.status, data: json.data, errors: json.errors, headers: response.headers };
}
