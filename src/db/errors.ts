import { Prisma } from '../generated/prisma/client';

/** A database refusal: its SQLSTATE, and the column it names when the error tells. */
export interface DatabaseRefusal {
  sqlState: string;
  column: string | undefined;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** For errors that carry only Prisma's code. */
const SQLSTATE_OF_PRISMA_CODE: Record<string, string> = { P2002: '23505', P2000: '22001', P2020: '22003' };

interface AdapterCause {
  originalCode?: unknown;
  originalMessage?: unknown;
  code?: unknown;
  message?: unknown;
  column?: unknown;
  table?: unknown;
  constraint?: { fields?: unknown; index?: unknown } | unknown;
}

/**
 * The SQLSTATE behind an error from any of our ways to the database: Prisma's client (whose
 * driver-adapter errors keep the original code), node-postgres (`pg` DatabaseError) and PGlite's own
 * queries (the same shape). Undefined for anything else.
 */
export function databaseRefusal(error: unknown): DatabaseRefusal | undefined {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    const cause = (error.meta?.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause;
    const sqlState = typeof cause?.originalCode === 'string' ? cause.originalCode : SQLSTATE_OF_PRISMA_CODE[error.code];
    if (!sqlState) return undefined;
    return { sqlState, column: cause ? adapterColumn(cause) : targetColumn(error.meta?.target) };
  }
  if (!(error instanceof Error)) return undefined;
  const cause = (error as { cause?: AdapterCause }).cause;
  if (error.name === 'DriverAdapterError' && typeof cause?.originalCode === 'string') {
    return { sqlState: cause.originalCode, column: adapterColumn(cause) };
  }
  const driver = error as Error & { code?: unknown; severity?: unknown; column?: unknown; detail?: unknown; constraint?: unknown; table?: unknown };
  if (typeof driver.code !== 'string' || !SQLSTATE.test(driver.code) || typeof driver.severity !== 'string') return undefined;
  return {
    sqlState: driver.code,
    column: text(driver.column) ?? keyColumn(driver.detail) ?? constraintColumn(driver.constraint, driver.table) ?? constraintColumn(constraintIn(error.message), tableIn(error.message)),
  };
}

/** A unique constraint refused the write: someone else got there first. */
export function isUniqueViolation(error: unknown): boolean {
  return databaseRefusal(error)?.sqlState === '23505';
}

function adapterColumn(cause: AdapterCause): string | undefined {
  const constraint = typeof cause.constraint === 'object' && cause.constraint !== null ? (cause.constraint as { fields?: unknown; index?: unknown }) : {};
  const message = text(cause.message) ?? text(cause.originalMessage);
  const table = text(cause.table) ?? tableIn(message);
  return (
    text(cause.column) ??
    targetColumn(constraint.fields) ??
    constraintColumn(constraint.index, table) ??
    constraintColumn(constraintIn(message), table)
  );
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The last of a key's columns: in (authorId, clientId) the one the client chose. */
function targetColumn(target: unknown): string | undefined {
  const columns = Array.isArray(target) ? target : typeof target === 'string' ? target.split(',') : [];
  const last = columns.at(-1);
  return typeof last === 'string' ? last.trim().replace(/^"|"$/g, '') || undefined : undefined;
}

/** PostgreSQL's detail for a key: `Key ("authorId", "clientId")=(…) already exists.` */
function keyColumn(detail: unknown): string | undefined {
  const columns = typeof detail === 'string' ? /^Key \((.+?)\)=/.exec(detail)?.[1] : undefined;
  return columns ? targetColumn(columns) : undefined;
}

/** `…violates check constraint "User_bio_check"`, `…unique constraint "User_emailKey_key"` */
function constraintIn(message: string | undefined): string | undefined {
  return message ? /constraint "([^"]+)"/.exec(message)?.[1] : undefined;
}

/** `new row for relation "User" violates…` */
function tableIn(message: string | undefined): string | undefined {
  return message ? /relation "([^"]+)"/.exec(message)?.[1] : undefined;
}

/** The column in a constraint named the way Prisma and PostgreSQL name them: `<table>_<columns>_<key|check|…>`. */
function constraintColumn(constraint: unknown, table: unknown): string | undefined {
  if (typeof constraint !== 'string' || typeof table !== 'string' || !constraint.startsWith(`${table}_`)) return undefined;
  const columns = /^(.+)_(key|check|idx|fkey|pkey|excl)$/.exec(constraint.slice(table.length + 1))?.[1];
  return columns?.split('_').at(-1);
}

/** Prisma found no row to update or delete (P2025): it was never there, or went meanwhile. */
export function isRecordMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2025';
}
