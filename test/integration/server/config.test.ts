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

  it('reads durations in seconds, minutes, hours and days', () => {
    const config = loadConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-config-')), ACCESS_TOKEN_TTL: '90s', REFRESH_TOKEN_TTL: '12h' });
    expect([config.accessTokenTtlSeconds, config.refreshTokenTtlSeconds]).toEqual([90, 12 * 3600]);
  });
});
