import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** PostgreSQL server; when absent the embedded PGlite database under dataDir is used. */
  databaseUrl: string | undefined;
  /** Connections to PostgreSQL this instance opens at most. */
  databasePoolSize: number;
  dataDir: string;
  redisUrl: string | undefined;
  jwtSecret: Uint8Array;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  bcryptCost: number;
  /** Introspection in production (always on elsewhere). */
  graphqlIntrospection: boolean;
  /** Proxies whose X-Forwarded-For is believed (addresses, CIDRs, or loopback/linklocal/uniquelocal); none by default. */
  trustProxy: string[];
  /** Multiplies every rate limit's allowance (tests and benchmarks raise it). */
  rateLimitScale: number;
  /** How often sockets are pinged; one that missed the previous ping is dropped. */
  wsPingIntervalSeconds: number;
  /** How long a shutdown may wait for in-flight work before the process exits regardless. */
  shutdownTimeoutSeconds: number;
  /** GET /metrics asks for it as a bearer token; in production, without one, /metrics is off. */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "90s", "15m", "12h", "30d" or a plain number of seconds. */
const duration = (fallback: string) => z.string().default(fallback).transform((text, ctx) => {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[(match[2] || 's') as keyof typeof UNIT_SECONDS] : 0;
  if (!match || seconds <= 0) {
    ctx.addIssue({ code: 'custom', message: `must be a positive duration like 90s, 15m, 12h or 30d (got "${text}")` });
    return z.NEVER;
  }
  return seconds;
});

const url = (protocols: string[]) =>
  z.string().refine((text) => URL.canParse(text) && protocols.includes(new URL(text).protocol), {
    message: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
  });

const environment = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1_000).default(16),
  DATA_DIR: z.string().min(1).default('./data'),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL: duration('15m'),
  REFRESH_TOKEN_TTL: duration('30d'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BCRYPT_COST: z.coerce.number().int().min(10).max(15).default(11),
  GRAPHQL_INTROSPECTION: z.enum(['true', 'false']).default('false'),
  TRUST_PROXY: z.string().default(''),
  RATE_LIMIT_SCALE: z.coerce.number().min(1).max(1_000_000).default(1),
  WS_PING_INTERVAL: duration('30s'),
  SHUTDOWN_TIMEOUT: duration('10s'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
});

/** Reads and validates the environment; every bad value is reported, each with its variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable counts as unset, as in most .env tooling.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const values = parsed.data;
  if (values.NODE_ENV === 'production' && !values.JWT_SECRET) {
    throw new ConfigError(['JWT_SECRET: is required when NODE_ENV=production (at least 32 random characters)']);
  }
  const dataDir = resolve(values.DATA_DIR);
  return {
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    dataDir,
    redisUrl: values.REDIS_URL,
    jwtSecret: new TextEncoder().encode(values.JWT_SECRET ?? developmentSecret(dataDir)),
    accessTokenTtlSeconds: values.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: values.REFRESH_TOKEN_TTL,
    logLevel: values.LOG_LEVEL,
    bcryptCost: values.BCRYPT_COST,
    graphqlIntrospection: values.GRAPHQL_INTROSPECTION === 'true',
    trustProxy: values.TRUST_PROXY.split(',').map((entry) => entry.trim()).filter(Boolean),
    rateLimitScale: values.RATE_LIMIT_SCALE,
    wsPingIntervalSeconds: values.WS_PING_INTERVAL,
    shutdownTimeoutSeconds: values.SHUTDOWN_TIMEOUT,
    metricsToken: values.METRICS_TOKEN,
  };
}

/** Outside production a secret is generated once and kept in DATA_DIR, so tokens survive restarts. */
function developmentSecret(dataDir: string): string {
  const path = join(dataDir, 'jwt-secret');
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Another process starting at the same moment wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return readFileSync(path, 'utf8').trim();
  }
}
