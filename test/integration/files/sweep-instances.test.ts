import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../helpers/database';
import { signUpUser } from '../../helpers/factories';
import { createPostgresTestDatabase, postgresProblem, requireServices, skipWithout } from '../../helpers/redis';
import { startTestServer, type TestServer } from '../../helpers/server';
import { png, requestUpload, sendBytes, storedFiles } from '../../helpers/uploads';

const problems = [await postgresProblem()];

describe.skipIf(skipWithout(problems))('the upload sweep on two instances sharing one database and one volume', () => {
  let database: TestDatabase;
  let dataDir: string;
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    requireServices(problems);
    database = await createPostgresTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'parley-shared-volume-'));
    // One after the other: both would migrate the fresh database.
    a = await startTestServer({ env: { DATA_DIR: dataDir }, database });
    b = await startTestServer({ env: { DATA_DIR: dataDir }, database });
  });

  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('removes every stale upload once: the instances claim disjoint batches', async () => {
    const user = await signUpUser(a);
    const bytes = await png();
    const announce = () => requestUpload(a, user, { purpose: 'ATTACHMENT', name: 'p.png', mimeType: 'image/png', sizeBytes: bytes.length });
    const tickets = [];
    // More than one batch (100) of each instance.
    for (let index = 0; index < 260; index += 1) tickets.push((await announce()).data!.requestUpload);
    await Promise.all(tickets.slice(0, 30).map((ticket) => sendBytes(ticket, bytes)));
    const ids = tickets.map((ticket) => ticket.upload.id);
    await a.parley.database.prisma.upload.updateMany({ where: { id: { in: ids } }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });

    const [byA, byB] = await Promise.all([a.parley.sweepUploads(), b.parley.sweepUploads()]);
    console.log(`swept: ${byA.length} by one instance, ${byB.length} by the other`);
    expect(byA.filter((id) => byB.includes(id))).toEqual([]);
    expect([...byA, ...byB].sort()).toEqual([...ids].sort());
    expect(await a.parley.database.prisma.upload.count({ where: { ownerId: user.id } })).toBe(0);
    expect(storedFiles(a)).toEqual([]);
  });
});
