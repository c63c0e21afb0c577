import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatFilesDocument, DeleteMessageDocument, LeaveChatDocument, SendFileDocument, type SendMessageInput } from '../../generated/graphql';
import { createGroup, openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { type GraphQLResponse, startTestServer, type TestServer } from '../../helpers/server';
import { httpGraphQL, signedInClient, subscribe } from '../../helpers/subscriptions';
import { cameraJpeg, pdf, png, requestUpload, sendBytes, storedFiles, uploadFile } from '../../helpers/uploads';
import { LinkSignatures } from '../../../src/storage/link-signatures';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const prisma = () => server.parley.database.prisma;
const send = (author: TestUser, input: SendMessageInput) => server.request(SendFileDocument, { input }, { token: author.accessToken });
const history = (viewer: TestUser, chatId: string) => server.request(ChatFilesDocument, { chatId }, { token: viewer.accessToken });
const photo = async (user: TestUser, name = 'photo.jpg') => uploadFile(server, user, { bytes: await cameraJpeg(400, 300), name, mimeType: 'image/jpeg' });

async function privateChat(): Promise<{ alice: TestUser; bob: TestUser; chatId: string }> {
  const [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
  return { alice, bob, chatId: await openPrivateChat(server, alice, bob) };
}

/** Expects the send to fail with `code` (on `field`) and to store no message. */
async function expectRefused(result: Promise<GraphQLResponse<unknown>>, code: string, field?: string): Promise<void> {
  const before = await prisma().message.count();
  const { data, errors } = await result;
  expect(data).toBeNull();
  expect(errors?.[0]?.extensions).toMatchObject({ code, ...(field ? { field } : {}) });
  expect(await prisma().message.count()).toBe(before);
}

describe('sendMessage with uploads', () => {
  it("attaches the sender's READY uploads with their name, type, size, pixel size, preview and signed link, beside links, in order", async () => {
    const { alice, bob, chatId } = await privateChat();
    const image = await photo(alice);
    const document = await uploadFile(server, alice, { bytes: pdf(), name: 'minutes.pdf', mimeType: 'application/pdf' });
    const sent = await send(alice, { chatId, attachments: [{ uploadId: image.id }, { url: 'https://files.example.com/x.zip', name: 'x.zip' }, { uploadId: document.id, name: 'ignored.pdf' }] });
    expect(sent.errors).toBeUndefined();
    const [first, link, second] = sent.data!.sendMessage.attachments;
    expect(first).toMatchObject({ name: 'photo.jpg', mimeType: 'image/jpeg', sizeBytes: image.sizeBytes, width: 300, height: 400, upload: { id: image.id, status: 'READY' } });
    expect(link).toEqual({ url: 'https://files.example.com/x.zip', name: 'x.zip', mimeType: null, sizeBytes: null, width: null, height: null, thumbnailUrl: null, upload: null });
    expect(second).toMatchObject({ name: 'minutes.pdf', mimeType: 'application/pdf', thumbnailUrl: null, upload: { id: document.id } });
    // The other member reads the message and downloads its files through the links it carries.
    const page = (await history(bob, chatId)).data!.messages.nodes;
    const [photoOfBob, , documentOfBob] = page.at(-1)!.attachments;
    const served = await fetch(photoOfBob!.url);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).length).toBe(image.sizeBytes);
    expect((await fetch(photoOfBob!.thumbnailUrl!)).headers.get('content-type')).toBe('image/webp');
    expect(Buffer.from(await (await fetch(documentOfBob!.url)).arrayBuffer()).equals(pdf())).toBe(true);
    // The chat list's last message brings the same links.
    const list = await httpGraphQL<{ chats: { nodes: { id: string; lastMessage: { attachments: { url: string }[] } }[] } }>(
      server, bob.accessToken, '{ chats(first: 5) { nodes { id lastMessage { attachments { url } } } } }',
    );
    expect(list.data!.chats.nodes.find((chat) => chat.id === chatId)!.lastMessage.attachments.map((attachment) => attachment.url)).toEqual(page.at(-1)!.attachments.map((attachment) => attachment.url));
  });

  it('gives links that work for an hour, the same link for reads close together', async () => {
    const { alice, bob, chatId } = await privateChat();
    await send(alice, { chatId, attachments: [{ uploadId: (await photo(alice)).id }] });
    const [a, b] = await Promise.all([history(alice, chatId), history(bob, chatId)]);
    const url = new URL(a.data!.messages.nodes[0]!.attachments[0]!.url);
    expect(url.toString()).toBe(b.data!.messages.nodes[0]!.attachments[0]!.url);
    const lifetime = Number(url.searchParams.get('expires')) * 1000 - Date.now();
    expect(lifetime).toBeGreaterThan(54 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(60 * 60_000);
  });

  it("answers NOT_FOUND for someone else's upload or an unknown one, storing nothing", async () => {
    const { alice, bob, chatId } = await privateChat();
    const bobs = await photo(bob);
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: bobs.id }] }), 'NOT_FOUND');
    await expectRefused(send(alice, { chatId, body: 'hi', attachments: [{ url: 'https://example.com/a.png' }, { uploadId: UNKNOWN_ID }] }), 'NOT_FOUND');
    expect(await prisma().attachment.count({ where: { uploadId: bobs.id } })).toBe(0);
  });

  it('attaches READY uploads only', async () => {
    const { alice, chatId } = await privateChat();
    const bytes = await png();
    const pending = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'a.png', mimeType: 'image/png', sizeBytes: bytes.length })).data!.requestUpload;
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: pending.upload.id }] }), 'BAD_USER_INPUT', 'attachments.0.uploadId');
    await sendBytes(pending, bytes);
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: pending.upload.id }] }), 'BAD_USER_INPUT', 'attachments.0.uploadId');
  });

  it('attaches an upload to one message only, also when two sends race for it', async () => {
    const { alice, chatId } = await privateChat();
    const image = await photo(alice);
    expect((await send(alice, { chatId, attachments: [{ uploadId: image.id }] })).errors).toBeUndefined();
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: image.id }] }), 'BAD_USER_INPUT', 'attachments.0.uploadId');
    const raced = await photo(alice);
    const results = await Promise.all([1, 2, 3].map(() => send(alice, { chatId, attachments: [{ uploadId: raced.id }] })));
    expect(results.filter((result) => result.errors === undefined)).toHaveLength(1);
    expect(results.filter((result) => result.errors?.[0]?.extensions.code === 'BAD_USER_INPUT')).toHaveLength(2);
    expect(await prisma().attachment.count({ where: { uploadId: raced.id } })).toBe(1);
  });

  it('refuses an avatar upload, an attachment with both uploadId and url or neither, and one upload twice', async () => {
    const { alice, chatId } = await privateChat();
    const avatar = await uploadFile(server, alice, { bytes: await png(), name: 'me.png', mimeType: 'image/png', purpose: 'AVATAR' });
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: avatar.id }] }), 'BAD_USER_INPUT', 'attachments.0.uploadId');
    const image = await photo(alice);
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: image.id, url: 'https://example.com/a.png' }] }), 'BAD_USER_INPUT', 'attachments.0.url');
    await expectRefused(send(alice, { chatId, body: 'x', attachments: [{ name: 'nothing.png' }] }), 'BAD_USER_INPUT', 'attachments.0.uploadId');
    await expectRefused(send(alice, { chatId, attachments: [{ uploadId: image.id }, { uploadId: image.id }] }), 'BAD_USER_INPUT', 'attachments.1.uploadId');
    expect((await send(alice, { chatId, attachments: [{ uploadId: image.id }] })).errors).toBeUndefined();
  });

  it('returns the stored message again for a resend with the same clientId', async () => {
    const { alice, chatId } = await privateChat();
    const image = await photo(alice);
    const first = await send(alice, { chatId, clientId: 'photo-1', attachments: [{ uploadId: image.id }] });
    const again = await send(alice, { chatId, clientId: 'photo-1', attachments: [{ uploadId: image.id }] });
    expect(again.errors).toBeUndefined();
    expect(again.data!.sendMessage.id).toBe(first.data!.sendMessage.id);
    expect(again.data!.sendMessage.attachments[0]!.upload!.id).toBe(image.id);
  });
});

describe('who reads an attachment', () => {
  it('hands its links only to the members of its chat: the messages are NOT_FOUND to anyone else', async () => {
    const [alice, bob, carol, mallory] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, alice, [bob, carol]);
    await send(alice, { chatId, attachments: [{ uploadId: (await photo(alice)).id }] });
    expect((await history(bob, chatId)).data!.messages.nodes[0]!.attachments[0]!.url).toMatch(/^http/);
    const outsider = await history(mallory, chatId);
    expect(outsider.data).toBeNull();
    expect(outsider.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    await server.request(LeaveChatDocument, { chatId }, { token: carol.accessToken });
    expect((await history(carol, chatId)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  });

  it('delivers the link live with the message, the same one to every member', async () => {
    const [alice, bob, carol] = await Promise.all([signUpUser(server), signUpUser(server), signUpUser(server)]);
    const chatId = await createGroup(server, alice, [bob, carol]);
    const clients = [signedInClient(server, bob.accessToken), signedInClient(server, carol.accessToken)];
    const query = 'subscription ($c: ID) { messageAdded(chatId: $c) { seq body attachments { url thumbnailUrl name upload { id url } } } }';
    type Event = { seq: number; body: string | null; attachments: { url: string; thumbnailUrl: string | null; name: string; upload: { id: string; url: string } | null }[] };
    const feeds = clients.map((client) => subscribe<Event>(client, query, { c: chatId }));
    for (const feed of feeds) await feed.ready(() => send(alice, { chatId, body: 'probe' }), (event) => event.body === 'probe');
    const image = await photo(alice);
    const sent = (await send(alice, { chatId, attachments: [{ uploadId: image.id }] })).data!.sendMessage;
    const [toBob, toCarol] = await Promise.all(feeds.map((feed) => feed.waitForEvent((event) => event.seq === sent.seq)));
    expect(toBob!.attachments[0]).toMatchObject({ name: 'photo.jpg', upload: { id: image.id } });
    expect(toBob!.attachments[0]!.url).toBe(toCarol!.attachments[0]!.url);
    expect((await fetch(toCarol!.attachments[0]!.thumbnailUrl!)).status).toBe(200);
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it('answers 403 for a tampered or expired link', async () => {
    const { alice, chatId } = await privateChat();
    const sent = (await send(alice, { chatId, attachments: [{ uploadId: (await uploadFile(server, alice, { bytes: pdf(), name: 'a.pdf', mimeType: 'application/pdf' })).id }] })).data!.sendMessage;
    const link = new URL(sent.attachments[0]!.url);
    const variant = (change: (query: URLSearchParams) => void) => {
      const url = new URL(link);
      change(url.searchParams);
      return url.toString();
    };
    const forbidden = [
      variant((query) => query.set('signature', 'x'.repeat(43))),
      variant((query) => query.set('type', 'text/html')),
      variant((query) => query.set('disposition', 'inline')),
      variant((query) => query.set('expires', String(Number(query.get('expires')) + 3600))),
      variant((query) => query.delete('signature')),
      link.toString().replace('.pdf?', '.jpg?'),
    ];
    // Signed as the server signs, but past its time.
    const expires = String(Math.floor(Date.now() / 1000) - 1);
    const key = link.pathname.replace('/files/', '');
    const expiredSignature = new LinkSignatures(server.config.jwtSecret).sign(['GET', key, link.searchParams.get('type')!, link.searchParams.get('disposition')!, expires]);
    forbidden.push(variant((query) => (query.set('expires', expires), query.set('signature', expiredSignature))));
    for (const url of forbidden) {
      const response = await fetch(url);
      expect(response.status, url).toBe(403);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await fetch(link)).status).toBe(200);
  });
});

describe('deleting a message', () => {
  it('deletes its uploads: their bytes, their rows, and their links answer 404', async () => {
    const { alice, bob, chatId } = await privateChat();
    const image = await photo(alice);
    const sent = (await send(alice, { chatId, attachments: [{ uploadId: image.id }, { url: 'https://example.com/kept.png' }] })).data!.sendMessage;
    const links = [sent.attachments[0]!.url, sent.attachments[0]!.thumbnailUrl!];
    expect(storedFiles(server).filter((path) => path.includes(image.id))).toHaveLength(2);
    const deleted = await server.request(DeleteMessageDocument, { messageId: sent.id }, { token: alice.accessToken });
    expect(deleted.data!.deleteMessage).toMatchObject({ attachments: [], body: null });
    expect(await prisma().upload.findUnique({ where: { id: image.id } })).toBeNull();
    expect(storedFiles(server).filter((path) => path.includes(image.id))).toEqual([]);
    for (const url of links) expect((await fetch(url)).status).toBe(404);
    expect((await history(bob, chatId)).data!.messages.nodes[0]!.attachments).toEqual([]);
  });
});
