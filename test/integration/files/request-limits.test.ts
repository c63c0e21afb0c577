import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestUploadInput } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { png, requestUpload, uploadFile } from '../../helpers/uploads';

const MIB = 1024 * 1024;

let server: TestServer;
/** The same server with small limits of its own: ATTACHMENT_MAX_SIZE, AVATAR_MAX_SIZE and UPLOAD_QUOTA are settings. */
let small: TestServer;
beforeAll(async () => {
  [server, small] = await Promise.all([
    startTestServer(),
    startTestServer({ env: { ATTACHMENT_MAX_SIZE: '2KiB', AVATAR_MAX_SIZE: '1KiB', UPLOAD_QUOTA: '10KiB' } }),
  ]);
});
afterAll(() => Promise.all([server.close(), small.close()]));

const uploadsOf = (on: TestServer, user: TestUser) => on.parley.database.prisma.upload.count({ where: { ownerId: user.id } });
const announce = (overrides: Partial<RequestUploadInput> = {}): RequestUploadInput => ({
  purpose: 'ATTACHMENT',
  name: 'photo.png',
  mimeType: 'image/png',
  sizeBytes: 1000,
  ...overrides,
});

/** Expects requestUpload to refuse with BAD_USER_INPUT on `field`, storing nothing. */
async function expectRefused(input: RequestUploadInput, field: string, message?: RegExp, on = server): Promise<void> {
  const user = await signUpUser(on);
  const result = await requestUpload(on, user, input);
  expect(result.data).toBeNull();
  expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
  if (message) expect(result.errors![0]!.message).toMatch(message);
  expect(await uploadsOf(on, user)).toBe(0);
}

describe('requestUpload, before a byte moves', () => {
  it('takes attachments up to 25 MiB and avatars up to 5 MiB by default', async () => {
    const user = await signUpUser(server);
    expect((await requestUpload(server, user, announce({ sizeBytes: 25 * MIB }))).errors).toBeUndefined();
    expect((await requestUpload(server, user, announce({ purpose: 'AVATAR', sizeBytes: 5 * MIB }))).errors).toBeUndefined();
    await expectRefused(announce({ sizeBytes: 25 * MIB + 1 }), 'sizeBytes', /Attachments may be at most 25 MiB/);
    await expectRefused(announce({ purpose: 'AVATAR', sizeBytes: 5 * MIB + 1 }), 'sizeBytes', /Avatars may be at most 5 MiB/);
  });

  it('refuses an empty file and sizes that are not whole bytes', async () => {
    await expectRefused(announce({ sizeBytes: 0 }), 'sizeBytes');
    await expectRefused(announce({ sizeBytes: -5 }), 'sizeBytes');
  });

  it('applies the configured limits', async () => {
    await expectRefused(announce({ sizeBytes: 2 * 1024 + 1 }), 'sizeBytes', /at most 2 KiB/, small);
    await expectRefused(announce({ purpose: 'AVATAR', sizeBytes: 1025 }), 'sizeBytes', /at most 1 KiB/, small);
    const user = await signUpUser(small);
    expect((await requestUpload(small, user, announce({ sizeBytes: 2048 }))).errors).toBeUndefined();
  });

  it('drops any path from the name and keeps 1-255 characters', async () => {
    const user = await signUpUser(server);
    const named = async (name: string) => (await requestUpload(server, user, announce({ name }))).data?.requestUpload.upload.name;
    expect(await named('../../etc/passwd.png')).toBe('passwd.png');
    expect(await named('C:\\Users\\me\\Desktop\\ photo.png ')).toBe('photo.png');
    expect(await named(`${'é'.repeat(251)}.png`)).toHaveLength(255);
    await expectRefused(announce({ name: '' }), 'name', /1-255 characters/);
    await expectRefused(announce({ name: 'pictures/' }), 'name', /1-255 characters/);
    await expectRefused(announce({ name: '..' }), 'name');
    await expectRefused(announce({ name: `${'a'.repeat(252)}.png` }), 'name', /1-255 characters/);
  });

  it('refuses names that would read differently than they are (direction controls) or hide characters', async () => {
    // "photo‮gnp.exe" shows as "photoexe.png".
    await expectRefused(announce({ name: 'photo\u202Egnp.exe' }), 'name', /direction controls/);
    await expectRefused(announce({ name: 'photo\n.png' }), 'name', /invisible or control characters/);
    await expectRefused(announce({ name: 'photo\u200B.png' }), 'name', /invisible or control characters/);
  });

  it('allows avatars that are images only, and attachments from an allow-list', async () => {
    await expectRefused(announce({ purpose: 'AVATAR', name: 'cv.pdf', mimeType: 'application/pdf' }), 'mimeType', /An avatar cannot be application\/pdf; allowed: images/);
    await expectRefused(announce({ name: 'setup.exe', mimeType: 'application/x-msdownload' }), 'mimeType', /An attachment cannot be/);
    await expectRefused(announce({ name: 'page.html', mimeType: 'text/html' }), 'mimeType');
    await expectRefused(announce({ name: 'logo.svg', mimeType: 'image/svg+xml' }), 'mimeType');
    await expectRefused(announce({ mimeType: 'png' }), 'mimeType', /type\/subtype/);
    const user = await signUpUser(server);
    for (const [name, mimeType] of [
      ['a.mp3', 'audio/mpeg'],
      ['a.mp4', 'video/mp4'],
      ['a.pdf', 'application/pdf'],
      ['a.txt', 'text/plain; charset=utf-8'],
      ['a.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['a.ods', 'application/vnd.oasis.opendocument.spreadsheet'],
      ['a.zip', 'application/x-zip-compressed'],
      ['a.7z', 'application/x-7z-compressed'],
    ]) {
      expect((await requestUpload(server, user, announce({ name: name!, mimeType: mimeType! }))).errors).toBeUndefined();
    }
  });

  it('needs a signed-in user', async () => {
    const result = await server.request((await import('../../generated/graphql')).RequestUploadDocument, { input: announce() });
    expect(result.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('the storage quota', () => {
  it("counts a user's announced and stored uploads and refuses one past the quota, naming sizeBytes", async () => {
    const user = await signUpUser(small);
    const stored = await uploadFile(small, user, { bytes: await png(8, 8), name: 'a.png', mimeType: 'image/png' });
    for (let index = 0; index < 4; index += 1) expect((await requestUpload(small, user, announce({ sizeBytes: 2048 }))).errors).toBeUndefined();
    // The stored file and its preview count once READY.
    const { storedBytes } = await small.parley.database.prisma.upload.findUniqueOrThrow({ where: { id: stored.id } });
    const left = 10 * 1024 - storedBytes - 4 * 2048;
    const over = await requestUpload(small, user, announce({ sizeBytes: left + 1 }));
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sizeBytes' });
    expect(over.errors![0]!.message).toMatch(/of your 10 KiB/);
    expect(await uploadsOf(small, user)).toBe(5);
    expect((await requestUpload(small, user, announce({ sizeBytes: left }))).errors).toBeUndefined();
    // Someone else's uploads do not count.
    const other = await signUpUser(small);
    expect((await requestUpload(small, other, announce({ sizeBytes: 2048 }))).errors).toBeUndefined();
  });

  it('lets exactly as many requests as fit through when they arrive at once', async () => {
    const user = await signUpUser(small);
    const results = await Promise.all(Array.from({ length: 8 }, () => requestUpload(small, user, announce({ sizeBytes: 2048 }))));
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(5);
    expect(results.filter((result) => result.errors?.[0]?.extensions.field === 'sizeBytes')).toHaveLength(3);
    expect(await uploadsOf(small, user)).toBe(5);
  });
});
