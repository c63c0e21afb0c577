import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteUploadDocument, SendFileDocument, SetAvatarDocument } from '../../generated/graphql';
import { openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { pollUntil } from '../../helpers/subscriptions';
import { pdf, png, requestUpload, sendBytes, storedFiles, uploadFile } from '../../helpers/uploads';

const DAY_MS = 24 * 3600_000;

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let chatId: string;
beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  chatId = await openPrivateChat(server, alice, bob);
});
afterAll(() => server.close());

const prisma = () => server.parley.database.prisma;
/** Makes an upload look `ms` old: announced (and made READY) that long ago. */
const age = (id: string, ms = DAY_MS + 60_000) =>
  prisma().upload.update({ where: { id }, data: { createdAt: new Date(Date.now() - ms), readyAt: new Date(Date.now() - ms + 1000) } }).then(() => id);
const exists = async (id: string) => (await prisma().upload.count({ where: { id } })) === 1;
const bytesOf = (id: string) => storedFiles(server).filter((path) => path.includes(id));

async function pending(withBytes: boolean): Promise<string> {
  const bytes = await png();
  const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'p.png', mimeType: 'image/png', sizeBytes: bytes.length })).data!.requestUpload;
  if (withBytes) await sendBytes(ticket, bytes);
  return ticket.upload.id;
}

const ready = async (purpose: 'ATTACHMENT' | 'AVATAR' = 'ATTACHMENT') => (await uploadFile(server, alice, { bytes: await png(), name: 'r.png', mimeType: 'image/png', purpose })).id;

describe('the upload sweep', () => {
  it('removes, with their bytes, uploads PENDING for a day and READY ones nothing used for a day; keeps the rest', async () => {
    const stale = [await age(await pending(false)), await age(await pending(true)), await age(await ready()), await age(await ready('AVATAR'))];
    const attached = await age(await ready());
    await server.request(SendFileDocument, { input: { chatId, attachments: [{ uploadId: attached }] } }, { token: alice.accessToken });
    const avatar = await age(await ready('AVATAR'));
    await server.request(SetAvatarDocument, { input: { avatarUploadId: avatar } }, { token: alice.accessToken });
    const fresh = [await pending(false), await pending(true), await ready(), await age(await ready(), DAY_MS - 60_000)];
    expect(stale.slice(1).every((id) => bytesOf(id).length > 0)).toBe(true);

    const removed = await server.parley.sweepUploads();
    expect(removed.sort()).toEqual([...stale].sort());
    for (const id of stale) {
      expect(await exists(id)).toBe(false);
      expect(bytesOf(id)).toEqual([]);
    }
    for (const id of [attached, avatar, ...fresh]) expect(await exists(id)).toBe(true);
    expect(bytesOf(attached)).toHaveLength(2);
    // Nothing is left for a second sweep.
    expect(await server.parley.sweepUploads()).toEqual([]);
  });

  it('leaves a swept upload unusable: its link, completeUpload and sendMessage find nothing', async () => {
    const bytes = pdf();
    const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'late.pdf', mimeType: 'application/pdf', sizeBytes: bytes.length })).data!.requestUpload;
    await age(ticket.upload.id);
    expect(await server.parley.sweepUploads()).toEqual([ticket.upload.id]);
    expect((await sendBytes(ticket, bytes)).status).toBe(404);
    expect((await server.request(CompleteUploadDocument, { uploadId: ticket.upload.id }, { token: alice.accessToken })).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    const sent = await server.request(SendFileDocument, { input: { chatId, attachments: [{ uploadId: ticket.upload.id }] } }, { token: alice.accessToken });
    expect(sent.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('finishes a removal that was interrupted, and leaves one being checked right now alone', async () => {
    const interrupted = await ready();
    await prisma().upload.update({ where: { id: interrupted }, data: { deletingSince: new Date(Date.now() - 11 * 60_000) } });
    const justMarked = await ready();
    await prisma().upload.update({ where: { id: justMarked }, data: { deletingSince: new Date() } });
    const checking = await age(await pending(true));
    await prisma().upload.update({ where: { id: checking }, data: { checkingSince: new Date() } });
    expect(await server.parley.sweepUploads()).toEqual([interrupted]);
    expect(bytesOf(interrupted)).toEqual([]);
    expect(await exists(justMarked)).toBe(true);
    expect(await exists(checking)).toBe(true);
  });

  it('removes part files a crash left behind for a day', async () => {
    const folder = join(server.config.dataDir, 'files', 'incoming', 'ff');
    mkdirSync(folder, { recursive: true });
    const old = join(folder, '01900000-0000-7000-8000-0000000000ff.0.part');
    const recent = join(folder, '01900000-0000-7000-8000-0000000001ff.1.part');
    writeFileSync(old, 'half');
    writeFileSync(recent, 'half');
    const twoDaysAgo = new Date(Date.now() - 2 * DAY_MS);
    utimesSync(old, twoDaysAgo, twoDaysAgo);
    await server.parley.sweepUploads();
    const left = storedFiles(server);
    expect(left).not.toContain('incoming/ff/01900000-0000-7000-8000-0000000000ff.0.part');
    expect(left).toContain('incoming/ff/01900000-0000-7000-8000-0000000001ff.1.part');
  });

  it('runs by itself every UPLOAD_SWEEP_INTERVAL', async () => {
    const periodic = await startTestServer({ env: { UPLOAD_SWEEP_INTERVAL: '1s' } });
    try {
      const user = await signUpUser(periodic);
      const id = (await requestUpload(periodic, user, { purpose: 'ATTACHMENT', name: 'p.png', mimeType: 'image/png', sizeBytes: 10 })).data!.requestUpload.upload.id;
      await periodic.parley.database.prisma.upload.update({ where: { id }, data: { createdAt: new Date(Date.now() - 2 * DAY_MS) } });
      await pollUntil(() => periodic.parley.database.prisma.upload.count({ where: { id } }), (count) => count === 0, 10_000, 'the periodic sweep');
    } finally {
      await periodic.close();
    }
  });
});
