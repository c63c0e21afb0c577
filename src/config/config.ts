import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
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
  /** Web origins whose pages may call the API and the file routes (CORS): every origin (`*`), or these. */
  corsOrigins: '*' | string[];
  /** Multiplies every rate limit's allowance (tests and benchmarks raise it). */
  rateLimitScale: number;
  /** How often sockets are pinged; one that missed the previous ping is dropped. */
  wsPingIntervalSeconds: number;
  /** How long a shutdown may wait for in-flight work before the process exits regardless. */
  shutdownTimeoutSeconds: number;
  /** GET /metrics asks for it as a bearer token; in production, without one, /metrics is off. */
  metricsToken: string | undefined;
  files: FilesConfig;
  mail: MailConfig;
  /** How long a data export's link works; the file is removed after that. */
  exportUrlTtlSeconds: number;
}

/** Account emails: how they are sent, and what they say they are from. */
export interface MailConfig {
  /** smtp:// or smtps:// with credentials; without it, emails are written to DATA_DIR/outbox as .eml files. */
  smtpUrl: string | undefined;
  /** The From header, `Name <address>` or a bare address. */
  from: string;
  /** The service's name, in every subject and greeting. */
  appName: string;
}

/** Uploads: where their bytes are kept, their limits, and how long their links work. */
export interface FilesConfig {
  /** Where clients reach this server, for the links the local driver hands out; the listening address when absent. */
  publicUrl: string | undefined;
  /** S3-compatible storage, used when S3_BUCKET is set; the local disk under dataDir otherwise. */
  s3: S3Config | undefined;
  attachmentMaxBytes: number;
  avatarMaxBytes: number;
  /** What one user's uploads may take in all. */
  quotaBytes: number;
  urlTtlSeconds: number;
  avatarUrlTtlSeconds: number;
  /** How long a client has to start sending an upload's bytes. */
  uploadTicketTtlSeconds: number;
  /** How often stale and unused uploads are looked for. */
  sweepIntervalSeconds: number;
}

export interface S3Config {
  bucket: string;
  endpoint: string | undefined;
  /** The endpoint as clients reach it, for presigned links, when it is not `endpoint` (a container network's name, say). */
  publicEndpoint: string | undefined;
  region: string;
  /** Both or neither; with neither, the AWS SDK's own chain (environment, profile, instance role) applies. */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
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

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };

/** "25MiB", "5 MB", "1GiB" or a plain number of bytes, from 1 byte up to `max`. */
const byteSize = (fallback: string, max: number) => z.string().default(fallback).transform((text, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * BYTE_UNITS[(match[2] ?? '').toLowerCase()]!) : 0;
  if (!match || bytes < 1 || bytes > max) {
    ctx.addIssue({ code: 'custom', message: `must be a size from 1 byte to ${max} bytes, like 25MiB, 500KB or 1GiB (got "${text}")` });
    return z.NEVER;
  }
  return bytes;
});

/** Presigned S3 links work for 7 days at most (Signature Version 4). */
const LINK_TTL_MAX_SECONDS = 7 * 86_400;
const linkTtl = (fallback: string) => duration(fallback).refine((seconds) => seconds <= LINK_TTL_MAX_SECONDS, { message: 'must be at most 7d' });
/** A GraphQL Int: the largest sizeBytes an upload can announce. */
const INT_MAX = 2_147_483_647;

const url = (protocols: string[]) =>
  z.string().refine((text) => URL.canParse(text) && protocols.includes(new URL(text).protocol), {
    message: `must be a URL starting with ${protocols.map((protocol) => `${protocol}//`).join(' or ')}`,
  });

/** One mailbox, as a From header takes it: `Parley <no-reply@example.com>` or `no-reply@example.com`. */
const mailbox = z.string().refine((text) => {
  const parsed = addressparser(text);
  return parsed.length === 1 && typeof parsed[0]!.address === 'string' && /^[^@\s]+@[^@\s]+$/.test(parsed[0]!.address);
}, { message: 'must be one email address, like "Parley <no-reply@example.com>"' });

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
  CORS_ORIGINS: z
    .string()
    .default('*')
    .refine((value) => value.trim() === '*' || value.split(',').every((entry) => isOrigin(entry.trim())), 'must be * or origins like https://app.example.com, comma-separated'),
  RATE_LIMIT_SCALE: z.coerce.number().min(1).max(1_000_000).default(1),
  WS_PING_INTERVAL: duration('30s'),
  SHUTDOWN_TIMEOUT: duration('10s'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces').optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  ATTACHMENT_MAX_SIZE: byteSize('25MiB', INT_MAX),
  AVATAR_MAX_SIZE: byteSize('5MiB', INT_MAX),
  UPLOAD_QUOTA: byteSize('1GiB', Number.MAX_SAFE_INTEGER),
  FILE_URL_TTL: linkTtl('1h'),
  AVATAR_URL_TTL: linkTtl('24h'),
  UPLOAD_TICKET_TTL: linkTtl('15m'),
  UPLOAD_SWEEP_INTERVAL: duration('1h'),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a bucket name: 3-63 lower-case letters, digits, dots and hyphens').optional(),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_PUBLIC_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  MAIL_FROM: mailbox.optional(),
  MAIL_APP_NAME: z.string().trim().min(1).max(60, 'must be at most 60 characters').regex(/^[^\r\n<>]+$/, 'must be one line without < or >').default('Parley'),
  EXPORT_URL_TTL: linkTtl('24h'),
});

type Environment = z.infer<typeof environment>;

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
  const mismatches = [...s3Mismatches(values), ...mailMismatches(values)];
  if (mismatches.length > 0) throw new ConfigError(mismatches);
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
    corsOrigins: values.CORS_ORIGINS.trim() === '*' ? '*' : values.CORS_ORIGINS.split(',').map((entry) => entry.trim()),
    rateLimitScale: values.RATE_LIMIT_SCALE,
    wsPingIntervalSeconds: values.WS_PING_INTERVAL,
    shutdownTimeoutSeconds: values.SHUTDOWN_TIMEOUT,
    metricsToken: values.METRICS_TOKEN,
    files: filesConfig(values),
    mail: { smtpUrl: values.SMTP_URL, from: values.MAIL_FROM ?? `${values.MAIL_APP_NAME} <no-reply@localhost>`, appName: values.MAIL_APP_NAME },
    exportUrlTtlSeconds: values.EXPORT_URL_TTL,
  };
}

/** In production, emails sent through SMTP need links that reach the server and a sender the SMTP server accepts. */
function mailMismatches(values: Environment): string[] {
  if (values.NODE_ENV !== 'production' || !values.SMTP_URL) return [];
  const problems: string[] = [];
  if (!values.PUBLIC_URL) problems.push('PUBLIC_URL: is required with SMTP_URL when NODE_ENV=production (the base of the links in emails)');
  if (!values.MAIL_FROM) problems.push('MAIL_FROM: is required with SMTP_URL when NODE_ENV=production (the sender of emails)');
  return problems;
}

function filesConfig(values: Environment): FilesConfig {
  return {
    publicUrl: values.PUBLIC_URL?.replace(/\/+$/, ''),
    s3: values.S3_BUCKET
      ? {
          bucket: values.S3_BUCKET,
          endpoint: values.S3_ENDPOINT,
          publicEndpoint: values.S3_PUBLIC_ENDPOINT,
          region: values.S3_REGION ?? 'us-east-1',
          credentials:
            values.S3_ACCESS_KEY_ID && values.S3_SECRET_ACCESS_KEY
              ? { accessKeyId: values.S3_ACCESS_KEY_ID, secretAccessKey: values.S3_SECRET_ACCESS_KEY }
              : undefined,
          forcePathStyle: values.S3_FORCE_PATH_STYLE === 'true',
        }
      : undefined,
    attachmentMaxBytes: values.ATTACHMENT_MAX_SIZE,
    avatarMaxBytes: values.AVATAR_MAX_SIZE,
    quotaBytes: values.UPLOAD_QUOTA,
    urlTtlSeconds: values.FILE_URL_TTL,
    avatarUrlTtlSeconds: values.AVATAR_URL_TTL,
    uploadTicketTtlSeconds: values.UPLOAD_TICKET_TTL,
    sweepIntervalSeconds: values.UPLOAD_SWEEP_INTERVAL,
  };
}

/** S3 settings that make no sense together: each named, as the schema's problems are. */
function s3Mismatches(values: Environment): string[] {
  const problems: string[] = [];
  if (!values.S3_BUCKET) {
    for (const name of ['S3_ENDPOINT', 'S3_PUBLIC_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE'] as const) {
      if (values[name] !== undefined) problems.push(`${name}: is used only with S3_BUCKET, which is not set`);
    }
  }
  if (values.S3_ACCESS_KEY_ID && !values.S3_SECRET_ACCESS_KEY) problems.push('S3_SECRET_ACCESS_KEY: is required with S3_ACCESS_KEY_ID');
  if (values.S3_SECRET_ACCESS_KEY && !values.S3_ACCESS_KEY_ID) problems.push('S3_ACCESS_KEY_ID: is required with S3_SECRET_ACCESS_KEY');
  return problems;
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

/** A web origin as browsers send it: scheme, host and port only (`https://app.example.com`). */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}
