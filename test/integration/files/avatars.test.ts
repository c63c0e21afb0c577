import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AvatarDocument, SetAvatarDocument, type UpdateProfileInput } from '../../generated/graphql';
import { createGroup } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { httpGraphQL } from '../../helpers/subscriptions';
import { cameraJpeg, pdf, png, requestUpload, storedFiles, uploadFile } from '../../helpers/uploads';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const setAvatar = (user: TestUser, input: UpdateProfileInput) => server.request(SetAvatarDocument, { input }, { token: user.accessToken });
const avatarOf = async (viewer: TestUser, user: TestUser) => (await server.request(AvatarDocument, { id: user.id }, { token: viewer.accessToken })).data!.user!.avatarUrl;
const avatarUpload = async (user: TestUser) => uploadFile(server, user, { bytes: await cameraJpeg(200, 100), name: 'me.jpg', mimeType: 'image/jpeg', purpose: 'AVATAR' });
const uploadExists = async (id: string) => (await server.parley.database.prisma.upload.count({ where: { id } })) === 1;

describe('an uploaded avatar', () => {
  it('becomes avatarUrl: a signed link, longer-lived than other files, that every signed-in user reads', async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const upload = await avatarUpload(alice);
    const set = await setAvatar(alice, { avatarUploadId: upload.id, displayName: 'Alice' });
    expect(set.errors).toBeUndefined();
    const url = set.data!.updateProfile.avatarUrl!;
    const lifetime = Number(new URL(url).searchParams.get('expires')) * 1000 - Date.now();
    expect(lifetime).toBeGreaterThan(22 * 3600_000);
    expect(lifetime).toBeLessThanOrEqual(24 * 3600_000);
    const seenByBob = await avatarOf(bob, alice);
    expect(seenByBob).toBe(url);
    const served = await fetch(seenByBob!);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    const image = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(image).toMatchObject({ width: 100, height: 200 });
    expect(image.exif).toBeUndefined();
  });

  it("comes with the author of a chat's messages, as every other user field does", async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const url = (await setAvatar(alice, { avatarUploadId: (await avatarUpload(alice)).id })).data!.updateProfile.avatarUrl!;
    const chatId = await createGroup(server, alice, [bob]);
    await httpGraphQL(server, alice.accessToken, 'mutation ($c: ID!) { sendMessage(input: { chatId: $c, body: "hi" }) { id } }', { c: chatId });
    const page = await httpGraphQL<{ messages: { nodes: { author: { avatarUrl: string } }[] } }>(server, bob.accessToken, 'query ($c: ID!) { messages(chatId: $c) { nodes { author { avatarUrl } } } }', { c: chatId });
    expect(page.data!.messages.nodes[0]!.author.avatarUrl).toBe(url);
  });

  it('replaces the previous uploaded avatar, whose file is then deleted', async () => {
    const alice = await signUpUser(server);
    const first = await avatarUpload(alice);
    await setAvatar(alice, { avatarUploadId: first.id });
    const firstUrl = await avatarOf(alice, alice);
    const second = await avatarUpload(alice);
    expect((await setAvatar(alice, { avatarUploadId: second.id })).data!.updateProfile.avatarUrl).not.toBe(firstUrl);
    expect(await uploadExists(first.id)).toBe(false);
    expect(storedFiles(server).some((path) => path.includes(first.id))).toBe(false);
    expect((await fetch(firstUrl!)).status).toBe(404);
    // Setting the same one again changes nothing.
    expect((await setAvatar(alice, { avatarUploadId: second.id })).errors).toBeUndefined();
    expect(await uploadExists(second.id)).toBe(true);
  });

  it('goes, with its file, when avatarUrl is set to null or to a link', async () => {
    const alice = await signUpUser(server);
    const upload = await avatarUpload(alice);
    await setAvatar(alice, { avatarUploadId: upload.id });
    expect((await setAvatar(alice, { avatarUrl: null })).data!.updateProfile.avatarUrl).toBeNull();
    expect(await uploadExists(upload.id)).toBe(false);
    const next = await avatarUpload(alice);
    await setAvatar(alice, { avatarUploadId: next.id });
    expect((await setAvatar(alice, { avatarUrl: 'https://example.com/me.png' })).data!.updateProfile.avatarUrl).toBe('https://example.com/me.png');
    expect(await uploadExists(next.id)).toBe(false);
  });

  it("refuses someone else's upload (NOT_FOUND), one not READY, an attachment upload, and avatarUrl with avatarUploadId, changing nothing", async () => {
    const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const mine = await avatarUpload(alice);
    await setAvatar(alice, { avatarUploadId: mine.id });
    const before = await avatarOf(alice, alice);
    const bobs = await avatarUpload(bob);
    const bytes = await png();
    const pending = (await requestUpload(server, alice, { purpose: 'AVATAR', name: 'p.png', mimeType: 'image/png', sizeBytes: bytes.length })).data!.requestUpload.upload;
    const attachment = await uploadFile(server, alice, { bytes: pdf(), name: 'a.pdf', mimeType: 'application/pdf' });
    const refusals: [UpdateProfileInput, string, string?][] = [
      [{ avatarUploadId: bobs.id }, 'NOT_FOUND'],
      [{ avatarUploadId: UNKNOWN_ID }, 'NOT_FOUND'],
      [{ avatarUploadId: pending.id }, 'BAD_USER_INPUT', 'avatarUploadId'],
      [{ avatarUploadId: attachment.id }, 'BAD_USER_INPUT', 'avatarUploadId'],
      [{ avatarUploadId: (await avatarUpload(alice)).id, avatarUrl: 'https://example.com/a.png' }, 'BAD_USER_INPUT', 'avatarUploadId'],
    ];
    for (const [input, code, field] of refusals) {
      const result = await setAvatar(alice, { ...input, displayName: 'Changed' });
      expect(result.data).toBeNull();
      expect(result.errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
    }
    expect(await avatarOf(alice, alice)).toBe(before);
    const me = await httpGraphQL<{ me: { displayName: string | null } }>(server, alice.accessToken, '{ me { displayName } }');
    expect(me.data!.me.displayName).toBeNull();
    expect(await uploadExists(bobs.id)).toBe(true);
    expect(await uploadExists(mine.id)).toBe(true);
  });
});
