import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, openPrivateChat, sendMessage } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { httpGraphQL } from '../../helpers/subscriptions';
import { png, uploadFile } from '../../helpers/uploads';
import { DeleteAccountDocument, ExportMyDataDocument, LogInDocument, SendFriendRequestDocument } from '../../generated/graphql';

interface ExportDocument {
  format: string;
  exportedAt: string;
  profile: Record<string, unknown>;
  sessions: Record<string, unknown>[];
  friendships: { status: string; user: { id: string; username: string } }[];
  chats: { id: string; kind: string; name: string | null; role: string; members: { id: string; username: string; role: string }[] }[];
  uploads: { id: string; name: string; mimeType: string; sizeBytes: number }[];
  messages: { id: string; chatId: string; seq: number; body: string | null; attachments: { uploadId: string | null; url: string | null; name: string | null; mimeType: string | null }[] }[];
}

const exportData = (server: TestServer, user: TestUser) => server.request(ExportMyDataDocument, {}, { token: user.accessToken });

async function download(url: string): Promise<{ response: Response; text: string }> {
  const response = await fetch(url);
  return { response, text: await response.text() };
}

describe('exportMyData', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('stores a JSON file of everything the account holds, behind a signed link, without any secret', async () => {
    const [user, friend, other] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server)]);
    const phone = (await server.request(LogInDocument, { input: { login: user.username, password: user.password } }, { headers: { 'user-agent': 'PhoneApp/1.0' } })).data!.logIn;
    await server.request(SendFriendRequestDocument, { userId: friend.id }, { token: user.accessToken });
    await server.request(SendFriendRequestDocument, { userId: user.id }, { token: friend.accessToken });
    await httpGraphQL(server, user.accessToken, 'mutation { updateProfile(input: { displayName: "Exporter", bio: "all of it" }) { id } }');
    const group = await createGroup(server, user, [friend, other], 'Exported group');
    const privateChat = await openPrivateChat(server, user, friend);
    const photo = await uploadFile(server, user, { bytes: await png(), name: 'photo.png', mimeType: 'image/png' });
    const mine = [
      await sendMessage(server, user, group, { body: 'first words' }),
      await sendMessage(server, user, privateChat, { body: 'with files', attachments: [{ uploadId: photo.id }, { url: 'https://files.example.com/a.pdf', name: 'a.pdf', mimeType: 'application/pdf' }] }),
    ];
    await sendMessage(server, friend, group, { body: 'not mine' });

    const before = Date.now();
    const exported = await exportData(server, user);
    expect(exported.errors).toBeUndefined();
    const { url, expiresAt, sizeBytes } = exported.data!.exportMyData;
    expect(Date.parse(expiresAt) - before).toBeGreaterThan(23.9 * 3600_000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(24 * 3600_000 + 60_000);

    const { response, text } = await download(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="?parley-export-\d{4}-\d{2}-\d{2}\.json"?$/);
    expect(Buffer.byteLength(text)).toBe(sizeBytes);
    for (const secret of ['passwordHash', 'tokenHash', user.password, user.refreshToken, phone.refreshToken, user.accessToken]) expect(text).not.toContain(secret);

    const data = JSON.parse(text) as ExportDocument;
    expect(data.format).toBe('parley-export/1');
    expect(data.profile).toMatchObject({ id: user.id, username: user.username, email: user.email, displayName: 'Exporter', bio: 'all of it', emailVerifiedAt: null });
    expect(data.sessions.map((session) => session.userAgent)).toContain('PhoneApp/1.0');
    expect(data.sessions).toHaveLength(2);
    expect(data.friendships).toEqual([expect.objectContaining({ status: 'ACCEPTED', user: expect.objectContaining({ id: friend.id, username: friend.username }) })]);
    const exportedGroup = data.chats.find((chat) => chat.id === group)!;
    expect(exportedGroup).toMatchObject({ kind: 'GROUP', name: 'Exported group', role: 'OWNER' });
    expect(exportedGroup.members.map((member) => member.username).sort()).toEqual([user.username, friend.username, other.username].sort());
    expect(data.chats.find((chat) => chat.id === privateChat)?.members.map((member) => member.id).sort()).toEqual([user.id, friend.id].sort());
    expect(data.uploads).toEqual([expect.objectContaining({ id: photo.id, name: 'photo.png', mimeType: 'image/png', sizeBytes: photo.sizeBytes })]);
    expect(data.messages.map((message) => message.id)).toEqual(mine.map((message) => message.id));
    expect(data.messages[1]!.attachments).toEqual([
      expect.objectContaining({ uploadId: photo.id, name: 'photo.png', mimeType: 'image/png', url: null }),
      expect.objectContaining({ uploadId: null, url: 'https://files.example.com/a.pdf', name: 'a.pdf' }),
    ]);
  });

  it('serves nothing through a tampered link, and removes the file once the link has expired', async () => {
    const user = await signUpUser(server);
    const { url, expiresAt } = (await exportData(server, user)).data!.exportMyData;
    const tampered = new URL(url);
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 3600));
    expect((await fetch(tampered)).status).toBe(403);
    expect((await fetch(url)).status).toBe(200);

    expect(await server.parley.sweepExports(new Date(Date.parse(expiresAt) - 60_000))).toBe(0);
    expect(await server.parley.sweepExports(new Date(Date.parse(expiresAt) + 1000))).toBeGreaterThanOrEqual(1);
    expect((await fetch(url)).status).toBe(404);
    expect(await server.parley.database.prisma.exportFile.count({ where: { userId: user.id } })).toBe(0);
  });

  it("is removed with the account that asked for it", async () => {
    const user = await signUpUser(server);
    const { url } = (await exportData(server, user)).data!.exportMyData;
    expect((await server.request(DeleteAccountDocument, { currentPassword: user.password }, { token: user.accessToken })).data?.deleteAccount).toBe(true);
    expect((await fetch(url)).status).toBe(404);
    expect(await server.parley.database.prisma.exportFile.count({ where: { userId: user.id } })).toBe(0);
  });

  it('exports 100,000 messages streamed page by page, in bounded memory', async () => {
    const [user, friend] = await Promise.all([signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, user, [friend]);
    const prisma = server.parley.database.prisma;
    // 100,000 messages of about 400 characters in statements of 10,000 (each indexed for search as it
    // is written: one statement for all would pass the query timeout on a busy machine), and the chat's lastSeq to match.
    for (let from = 1; from <= 100_000; from += 10_000) {
      await prisma.$executeRaw`
        WITH written AS (
          INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body", "createdAt")
          SELECT gen_random_uuid()::text, ${chatId}, n, ${user.id}, repeat('all work and no play ', 19) || n, now()
          FROM generate_series(${from}::int, ${from + 9_999}::int) AS n
          RETURNING "seq")
        UPDATE "Chat" SET "lastSeq" = (SELECT max("seq") FROM written) WHERE "id" = ${chatId}`;
    }

    // What the heap holds (garbage collected first), every 100 ms while the export runs.
    const gc = (globalThis as { gc?: () => void }).gc!;
    const live = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const baseline = live();
    let peak = baseline;
    let samples = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, live());
      samples += 1;
    }, 100);
    const exported = await exportData(server, user);
    clearInterval(sampler);
    expect(exported.errors).toBeUndefined();
    const { url, sizeBytes } = exported.data!.exportMyData;
    const growth = peak - baseline;
    console.log(`[export] 100,000 messages: ${(sizeBytes / 2 ** 20).toFixed(1)} MiB of JSON; live heap grew by at most ${(growth / 2 ** 20).toFixed(1)} MiB over ${samples} samples while exporting`);
    expect(sizeBytes).toBeGreaterThan(40 * 2 ** 20);
    // Holding the document (or its rows) at once would take more than the document itself.
    expect(growth).toBeLessThan(sizeBytes / 2);

    const { text } = await download(url);
    expect(Buffer.byteLength(text)).toBe(sizeBytes);
    const data = JSON.parse(text) as ExportDocument;
    expect(data.messages).toHaveLength(100_000);
    expect(new Set(data.messages.map((message) => message.seq)).size).toBe(100_000);
  }, 180_000);
});

describe('exportMyData limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { RATE_LIMIT_SCALE: '1' } });
  });
  afterAll(() => server.close());

  it('allows one export per hour', async () => {
    const user = await signUpUser(server);
    expect((await exportData(server, user)).errors).toBeUndefined();
    const again = await exportData(server, user);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(again.errors![0]!.extensions.retryAfterSeconds).toBeGreaterThan(3500);
    expect((await exportData(server, await signUpUser(server))).errors).toBeUndefined();
  });
});
