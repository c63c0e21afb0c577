import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';

/**
 * The embedded engine with the extensions the migrations create (unaccent, for message search):
 * PGlite ships them as loadable modules that must be named when it starts. Every PGlite of
 * Parley's, the server's as the migration diff's, is opened here.
 */
export function openPGlite(dataDir?: string): Promise<PGlite> {
  return PGlite.create(dataDir, { extensions: { unaccent } });
}
