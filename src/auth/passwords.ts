import { createHash } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import bcrypt from 'bcryptjs';

/** About 49,000 passwords ranked by how often they were seen in breaches (zxcvbn's list). */
const COMMON_PASSWORDS = new Set(dictionary['passwords-common']);

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/** Why a new password is not acceptable, or null when it is. */
export function passwordProblem(password: string, username: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH || length > PASSWORD_MAX_LENGTH) {
    return `Password must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters long.`;
  }
  if (password.toLowerCase() === username.toLowerCase()) return 'Password must not be the same as the username.';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'This password is too common; choose another.';
  return null;
}

/**
 * bcrypt reads only the first 72 bytes of its input. Hashing with SHA-256 first gives every
 * password a 44-byte base64 input (no NUL bytes), so passwords differing after byte 72 never collide.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

export class PasswordHasher {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly cost: number) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(prehash(password), this.cost);
  }

  verify(password: string, hash: string): Promise<boolean> {
    return bcrypt.compare(prehash(password), hash);
  }

  /** Spends the time of a real check, so an unknown login answers as slowly as a wrong password. */
  async verifyNothing(password: string): Promise<false> {
    this.dummyHash ??= this.hash('no account has this password');
    await bcrypt.compare(prehash(password), await this.dummyHash);
    return false;
  }
}
