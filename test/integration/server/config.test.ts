import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')), ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('uses the documented defaults', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      redisUrl: undefined,
      accessTokenTtlSeconds: 15 * 60,
      refreshTokenTtlSeconds: 30 * 86_400,
      logLevel: 'info',
      dataDir,
    });
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://localhost:6379'],
    ['ACCESS_TOKEN_TTL', '15 minutes'],
    ['REFRESH_TOKEN_TTL', '0d'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['JWT_SECRET', 'short'],
    ['BCRYPT_COST', '4'],
    ['PUBLIC_URL', 'parley.example.com'],
    ['ATTACHMENT_MAX_SIZE', '25 megs'],
    ['ATTACHMENT_MAX_SIZE', '0'],
    ['ATTACHMENT_MAX_SIZE', '3GiB'],
    ['AVATAR_MAX_SIZE', '-1MiB'],
    ['UPLOAD_QUOTA', 'lots'],
    ['FILE_URL_TTL', '8d'],
    ['AVATAR_URL_TTL', '0s'],
    ['UPLOAD_TICKET_TTL', 'soon'],
    ['UPLOAD_SWEEP_INTERVAL', '1 hour'],
    ['S3_BUCKET', 'Not_A_Bucket'],
    ['SMTP_URL', 'http://mail.example.com'],
    ['SMTP_URL', 'mail.example.com:587'],
    ['MAIL_FROM', 'nobody'],
    ['MAIL_FROM', 'a@example.com, b@example.com'],
    ['MAIL_APP_NAME', 'Parley <script>'],
    ['EXPORT_URL_TTL', '8d'],
    ['CORS_ORIGINS', 'app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/path'],
    ['CORS_ORIGINS', 'https://a.example.com, *'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name}: `));
  });

  it('reports every bad value at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud', ACCESS_TOKEN_TTL: '-1' })).toHaveLength(3);
  });

  it('requires JWT_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^JWT_SECRET: is required/)]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40) })).toEqual([]);
  });

  it('generates a secret once outside production and keeps it in DATA_DIR', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(Buffer.from(first.jwtSecret).toString()).toBe(Buffer.from(second.jwtSecret).toString());
    expect(readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim()).toHaveLength(64);
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o077).toBe(0);
  });

  it('has the documented file limits and the local driver by default', () => {
    const { files } = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')) });
    expect(files).toEqual({
      publicUrl: undefined,
      s3: undefined,
      attachmentMaxBytes: 25 * 1024 ** 2,
      avatarMaxBytes: 5 * 1024 ** 2,
      quotaBytes: 1024 ** 3,
      urlTtlSeconds: 3600,
      avatarUrlTtlSeconds: 86_400,
      uploadTicketTtlSeconds: 15 * 60,
      sweepIntervalSeconds: 3600,
    });
  });

  it('reads sizes in bytes, decimal and binary units', () => {
    const { files } = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')), ATTACHMENT_MAX_SIZE: '500KB', AVATAR_MAX_SIZE: '1.5 MiB', UPLOAD_QUOTA: '2048' });
    expect([files.attachmentMaxBytes, files.avatarMaxBytes, files.quotaBytes]).toEqual([500_000, 1.5 * 1024 ** 2, 2048]);
  });

  it('uses S3 when S3_BUCKET is set, and refuses S3 settings that do not go together', () => {
    const { files } = loadConfig({
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')),
      S3_BUCKET: 'parley-files',
      S3_ENDPOINT: 'http://seaweedfs:8333',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      PUBLIC_URL: 'https://chat.example.com/',
    });
    expect(files.s3).toEqual({ bucket: 'parley-files', endpoint: 'http://seaweedfs:8333', publicEndpoint: undefined, region: 'us-east-1', credentials: { accessKeyId: 'key', secretAccessKey: 'secret' }, forcePathStyle: true });
    expect(files.publicUrl).toBe('https://chat.example.com');
    expect(problemsOf({ S3_ENDPOINT: 'http://localhost:9000' })).toEqual(['S3_ENDPOINT: is used only with S3_BUCKET, which is not set']);
    expect(problemsOf({ S3_BUCKET: 'parley', S3_ACCESS_KEY_ID: 'key' })).toEqual(['S3_SECRET_ACCESS_KEY: is required with S3_ACCESS_KEY_ID']);
    expect(problemsOf({ S3_BUCKET: 'parley', S3_ENDPOINT: 'ftp://files' })).toEqual([expect.stringMatching(/^S3_ENDPOINT: /)]);
    expect(problemsOf({ S3_BUCKET: 'parley', S3_FORCE_PATH_STYLE: 'yes' })).toEqual([expect.stringMatching(/^S3_FORCE_PATH_STYLE: /)]);
  });

  it('reads durations in seconds, minutes, hours and days', () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')), ACCESS_TOKEN_TTL: '90s', REFRESH_TOKEN_TTL: '12h' });
    expect([config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds]).toEqual([90, 12 * 3600]);
  });

  it('writes emails to the outbox by default, and needs PUBLIC_URL and MAIL_FROM with SMTP_URL in production', () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')) });
    expect(config.mail).toEqual({ smtpUrl: undefined, from: 'Parley <no-reply@localhost>', appName: 'Parley' });
    expect(config.exportUrlTtlSeconds).toBe(86_400);
    const smtp = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), SMTP_URL: 'smtps://user:pass@smtp.example.com:465' };
    expect(problemsOf(smtp)).toEqual([expect.stringMatching(/^PUBLIC_URL: is required with SMTP_URL/), expect.stringMatching(/^MAIL_FROM: is required with SMTP_URL/)]);
    expect(problemsOf({ ...smtp, PUBLIC_URL: 'https://chat.example.com', MAIL_FROM: 'Chat <no-reply@example.com>' })).toEqual([]);
    expect(problemsOf({ SMTP_URL: 'smtp://localhost:25' })).toEqual([]);
  });
});
