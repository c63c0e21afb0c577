import type { Redis } from 'ioredis';
import {
  BurstyRateLimiter,
  type IRateLimiterOptions,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { RateLimitedError } from '../errors/errors';

type Limiter = RateLimiterMemory | RateLimiterRedis | BurstyRateLimiter;

/** Points per duration (seconds) for each limit, before RATE_LIMIT_SCALE. */
const LIMITS = {
  loginFailuresPerAccount: { points: 10, duration: 15 * 60 },
  loginFailuresPerAddress: { points: 50, duration: 15 * 60 },
  signUpsPerAddress: { points: 10, duration: 60 * 60 },
  refreshesPerSession: { points: 30, duration: 60 },
  /** 5 per second sustained, bursts of 20. */
  messagesPerUser: { points: 5, duration: 1, burst: 20 },
  messagesPerChat: { points: 20, duration: 1, burst: 60 },
  typingPerUser: { points: 20, duration: 10 },
  /** Adding and removing reactions: 5 per second sustained, bursts of 30. */
  reactionsPerUser: { points: 5, duration: 1, burst: 30 },
  /** 1 per second sustained, bursts of 50 (a batch of photos). */
  uploadsPerUser: { points: 1, duration: 1, burst: 50 },
  socketsPerAddress: { points: 30, duration: 60 },
  /** Password reset emails asked for one address (whether or not an account has it), and by one client. */
  passwordResetsPerEmail: { points: 3, duration: 60 * 60 },
  passwordResetsPerAddress: { points: 20, duration: 60 * 60 },
  /** Verification emails a user asks for (requestEmailVerification, changeEmail). */
  accountEmailsPerUser: { points: 5, duration: 60 * 60 },
  dataExportsPerUser: { points: 1, duration: 60 * 60 },
};
/** A lockout after too many failed logins lasts this long, doubling with every lockout of the day. */
const LOCKOUT_SECONDS = 15 * 60;

export type LimitName = keyof typeof LIMITS;

/**
 * Abuse limits, shared by every instance through Redis when there is one (each falls back to
 * memory while Redis is unreachable), in memory otherwise. `scale` multiplies every allowance.
 */
export class RateLimits {
  private readonly limiters: Record<LimitName, Limiter>;
  /** Each limit's counters: the steady one, and the burst allowance behind it where there is one. */
  private readonly parts: Record<LimitName, (RateLimiterMemory | RateLimiterRedis)[]>;
  private readonly lockouts: RateLimiterMemory | RateLimiterRedis;

  constructor(
    redis: Redis | undefined,
    scale = 1,
    private readonly lockoutSeconds = LOCKOUT_SECONDS,
    /** Hears every refusal, by limit. */
    private readonly refused: (limit: LimitName) => void = () => {},
  ) {
    const make = (keyPrefix: string, options: IRateLimiterOptions) => {
      const memory = new RateLimiterMemory({ ...options, keyPrefix });
      return redis ? new RateLimiterRedis({ ...options, keyPrefix, storeClient: redis, insuranceLimiter: memory }) : memory;
    };
    const build = (name: LimitName): [Limiter, (RateLimiterMemory | RateLimiterRedis)[]] => {
      const { points, duration, burst } = { burst: undefined, ...LIMITS[name] } as { points: number; duration: number; burst?: number };
      const steady = make(`rl:${name}`, { points: points * scale, duration });
      if (burst === undefined) return [steady, [steady]];
      const bursts = make(`rl:${name}:burst`, { points: burst * scale, duration: Math.ceil(burst / points) * 10 });
      return [new BurstyRateLimiter(steady, bursts), [steady, bursts]];
    };
    const built = Object.fromEntries(Object.keys(LIMITS).map((name) => [name, build(name as LimitName)]));
    this.limiters = Object.fromEntries(Object.entries(built).map(([name, [limiter]]) => [name, limiter])) as Record<LimitName, Limiter>;
    this.parts = Object.fromEntries(Object.entries(built).map(([name, [, parts]]) => [name, parts])) as Record<LimitName, (RateLimiterMemory | RateLimiterRedis)[]>;
    this.lockouts = make('rl:lockouts', { points: 1_000, duration: 24 * 60 * 60 });
  }

  /** Counts one attempt; RATE_LIMITED (with retryAfterSeconds) when the allowance is spent. */
  async consume(name: LimitName, key: string): Promise<void> {
    try {
      await this.limiters[name].consume(key);
    } catch (rejection) {
      throw this.refusal(name, rejection);
    }
  }

  /**
   * RATE_LIMITED when the allowance is already spent, without counting anything. With `spend`
   * after the fact, for limits keyed by something other than the caller (a chat, an account):
   * only attempts that were allowed to act spend them, so outsiders cannot drain them.
   */
  async assertAllowed(name: LimitName, key: string): Promise<void> {
    const states = await Promise.all(this.parts[name].map((limiter) => limiter.get(key)));
    const spent = states.map((state) => state !== null && state.remainingPoints <= 0 && state.msBeforeNext > 0);
    if (spent.every(Boolean)) throw this.refusal(name, states.reduce((soonest, state) => (state!.msBeforeNext < soonest!.msBeforeNext ? state : soonest)));
  }

  /** Counts one attempt that has already happened; never refuses it. */
  async spend(name: LimitName, key: string): Promise<void> {
    await this.limiters[name].consume(key).catch((rejection: unknown) => {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
    });
  }

  /**
   * A failed login: counted per account and per address. The failure that spends an account's
   * allowance locks it; each lockout of the day lasts twice as long as the one before.
   */
  async loginFailed(account: string, address: string): Promise<void> {
    await this.spend('loginFailuresPerAddress', address).catch(() => {});
    const limiter = this.limiters.loginFailuresPerAccount as RateLimiterMemory;
    const counted = await limiter.consume(account).catch((rejection: unknown) => rejection);
    if (!(counted instanceof RateLimiterRes)) throw counted;
    if (counted.remainingPoints > 0) return;
    const lockout = await this.lockouts.consume(account);
    await limiter.block(account, this.lockoutSeconds * 2 ** Math.min(lockout.consumedPoints - 1, 10));
  }

  async loginSucceeded(account: string): Promise<void> {
    await (this.limiters.loginFailuresPerAccount as RateLimiterMemory).delete(account);
  }

  /** RATE_LIMITED for a spent allowance (heard as a refusal); any other failure as it is. */
  private refusal(name: LimitName, rejection: unknown): Error {
    if (!(rejection instanceof RateLimiterRes)) return rejection instanceof Error ? rejection : new Error(String(rejection));
    this.refused(name);
    return new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
  }
}
