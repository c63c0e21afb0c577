import { Prisma } from '../generated/prisma/client';

/** A unique constraint refused the write (P2002 through Prisma, 23505 from the driver): someone else got there first. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2002';
  return (error as { code?: unknown } | null)?.code === '23505';
}
