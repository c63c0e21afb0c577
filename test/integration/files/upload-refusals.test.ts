import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteUploadDocument, type RequestUploadInput } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { capturedLogger } from '../../helpers/logs';
import { startTestServer, type TestServer } from '../../helpers/server';
import { pdf, png, requestUpload, sendBytes, storedFiles, type Ticket, uploadFile } from '../../helpers/uploads';
import { LinkSignatures } from '../../../src/storage/link-signatures';

let server: TestServer;
let alice: TestUser;
// Refusals are the client's doing: none of them may log an error.
const { logger, lines } = capturedLogger('error');
beforeAll(async () => {
  server = await startTestServer({ logger });
  alice = await signUpUser(server);
});
afterAll(async () => {
  await server.close();
  expect(lines).toEqual([]);
});

const UNKNOWN_ID = '01900000-0000-7000-8000-000000000000';
const uploadRow = (id: string) => server.parley.database.prisma.upload.findUnique({ where: { id } });
const complete = (user: TestUser, uploadId: string) => server.request(CompleteUploadDocument, { uploadId }, { token: user.accessToken });

async function ticketFor(bytes: Uint8Array, overrides: Partial<RequestUploadInput> = {}, user = alice): Promise<Ticket> {
  const result = await requestUpload(server, user, { purpose: 'ATTACHMENT', name: 'file.png', mimeType: 'image/png', sizeBytes: bytes.length, ...overrides });
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.requestUpload;
}

/** The ticket's link with `change` applied to its query. */
function altered(ticket: Ticket, change: (query: URLSearchParams) => void): string {
  const url = new URL(ticket.url);
  change(url.searchParams);
  return url.toString();
}

/** A link signed as the server signs (its key comes from JWT_SECRET), with the expiry given. */
function signedUploadLink(ticket: Ticket, expires: number): string {
  const signature = new LinkSignatures(server.config.jwtSecret).sign(['PUT', ticket.upload.id, String(ticket.upload.sizeBytes), String(expires)]);
  return altered(ticket, (query) => {
    query.set('expires', String(expires));
    query.set('signature', signature);
  });
}

describe('the upload PUT', () => {
  it('refuses a tampered signature, size or upload id with 403, and stores nothing', async () => {
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    const before = storedFiles(server);
    const flipped = altered(ticket, (query) => query.set('signature', `${query.get('signature')!.slice(0, -2)}AA`));
    expect((await sendBytes(ticket, bytes, { url: flipped })).status).toBe(403);
    const bigger = altered(ticket, (query) => query.set('size', String(bytes.length + 1)));
    expect((await sendBytes(ticket, Buffer.concat([bytes, Buffer.from('x')]), { url: bigger })).status).toBe(403);
    const other = await ticketFor(bytes);
    expect((await sendBytes(ticket, bytes, { url: ticket.url.replace(ticket.upload.id, other.upload.id) })).status).toBe(403);
    expect((await sendBytes(ticket, bytes, { url: ticket.url.split('?')[0] })).status).toBe(403);
    expect(storedFiles(server)).toEqual(before);
    // The real link still works.
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
  });

  it('refuses an expired link with 403, even with a good signature', async () => {
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    const expired = await sendBytes(ticket, bytes, { url: signedUploadLink(ticket, Math.floor(Date.now() / 1000) - 1) });
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await sendBytes(ticket, bytes, { url: signedUploadLink(ticket, Math.floor(Date.now() / 1000) + 60) })).status).toBe(200);
  });

  it('takes exactly the announced Content-Length: fewer, more, or none are refused', async () => {
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    expect((await sendBytes(ticket, bytes.subarray(1))).status).toBe(400);
    expect((await sendBytes(ticket, Buffer.concat([bytes, Buffer.from('more')]))).status).toBe(413);
    const chunked = await fetch(ticket.url, {
      method: 'PUT',
      body: new ReadableStream({ start: (controller) => (controller.enqueue(bytes), controller.close()) }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
    expect(storedFiles(server).some((path) => path.includes(ticket.upload.id))).toBe(false);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
  });

  it('takes the bytes once: a second PUT is refused, before and after completeUpload', async () => {
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    const again = await sendBytes(ticket, await png(41, 30));
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'CONFLICT' });
    expect((await complete(alice, ticket.upload.id)).data!.completeUpload.status).toBe('READY');
    expect((await sendBytes(ticket, bytes)).status).toBe(409);
  });

  it('stores one of two PUTs sent at once', async () => {
    const bytes = pdf();
    const ticket = await ticketFor(bytes, { name: 'a.pdf', mimeType: 'application/pdf' });
    const statuses = (await Promise.all([sendBytes(ticket, bytes), sendBytes(ticket, bytes)])).map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409]);
  });

  it('keeps nothing of a PUT cut off half way, and takes the whole file after it', async () => {
    const bytes = Buffer.concat([await png(), Buffer.alloc(200_000)]);
    const ticket = await ticketFor(bytes);
    await new Promise<void>((resolve) => {
      const request = httpRequest(ticket.url, { method: 'PUT', headers: { 'content-length': String(bytes.length) } });
      request.on('error', () => resolve());
      request.write(bytes.subarray(0, 50_000), () => setTimeout(() => (request.destroy(), resolve()), 100));
    });
    await sleep(300);
    expect(storedFiles(server).some((path) => path.includes(ticket.upload.id))).toBe(false);
    expect((await uploadRow(ticket.upload.id))!.receivedAt).toBeNull();
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
  });

  it('answers 404 for an upload that is gone', async () => {
    const bytes = pdf();
    const ticket = await ticketFor(bytes);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    // A PDF announced as a PNG: refused and discarded.
    expect((await complete(alice, ticket.upload.id)).errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    const gone = await sendBytes(ticket, bytes);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('completeUpload', () => {
  it('waits for the bytes: BAD_USER_INPUT before they arrived, and the upload stays PENDING', async () => {
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    const early = await complete(alice, ticket.upload.id);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'uploadId' });
    expect(early.errors![0]!.message).toMatch(/have not arrived/);
    expect((await uploadRow(ticket.upload.id))!.status).toBe('PENDING');
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    expect((await complete(alice, ticket.upload.id)).data!.completeUpload.status).toBe('READY');
  });

  it("answers NOT_FOUND for someone else's upload, an unknown id and a malformed one", async () => {
    const bob = await signUpUser(server);
    const bytes = await png();
    const ticket = await ticketFor(bytes);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    for (const id of [ticket.upload.id, UNKNOWN_ID, 'not-an-id']) {
      expect((await complete(bob, id)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    }
    expect((await uploadRow(ticket.upload.id))!.status).toBe('PENDING');
  });

  /** Sends `bytes` announced as `announced`, completes, and expects the refusal and nothing left. */
  async function expectDiscarded(bytes: Buffer, announced: Partial<RequestUploadInput>, reason: RegExp): Promise<void> {
    const ticket = await ticketFor(bytes, announced);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    expect(storedFiles(server).some((path) => path.includes(ticket.upload.id))).toBe(true);
    const refused = await complete(alice, ticket.upload.id);
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'uploadId' });
    expect(refused.errors![0]!.message).toMatch(reason);
    expect(refused.errors![0]!.message).toMatch(/upload it again/);
    expect(await uploadRow(ticket.upload.id)).toBeNull();
    expect(storedFiles(server).some((path) => path.includes(ticket.upload.id))).toBe(false);
    expect((await complete(alice, ticket.upload.id)).errors?.[0]?.extensions.code).toBe('NOT_FOUND');
  }

  it('refuses a disguised type: the bytes say what the file is, whatever was announced', async () => {
    await expectDiscarded(pdf(), { name: 'cat.png', mimeType: 'image/png' }, /announced as image\/png, but its bytes are application\/pdf/);
    await expectDiscarded(await png(), { name: 'song.mp3', mimeType: 'audio/mpeg' }, /announced as audio\/mpeg, but its bytes are image\/png/);
    const program = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(300)]);
    await expectDiscarded(program, { name: 'invoice.pdf', mimeType: 'application/pdf' }, /not accepted|could not be recognised/);
    await expectDiscarded(Buffer.from('<html><script>alert(1)</script></html>'), { name: 'report.pdf', mimeType: 'application/pdf' }, /could not be recognised/);
  });

  it('refuses text that is not UTF-8 text, and an image that does not decode', async () => {
    await expectDiscarded(Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x00, 0x41]), { name: 'notes.txt', mimeType: 'text/plain' }, /not UTF-8 text/);
    const damaged = Buffer.concat([(await png()).subarray(0, 40), Buffer.alloc(100, 7)]);
    await expectDiscarded(damaged, { name: 'broken.png', mimeType: 'image/png' }, /could not be read as image\/png/);
  });

  it('refuses an avatar whose bytes are no image', async () => {
    await expectDiscarded(pdf(), { purpose: 'AVATAR', name: 'me.png', mimeType: 'image/png' }, /application\/pdf, which is not accepted here; allowed: images/);
  });

  it('gives the quota back when a file is discarded', async () => {
    const user = await signUpUser(server);
    const ticket = await ticketFor(pdf(), { name: 'x.png' }, user);
    await sendBytes(ticket, pdf());
    await complete(user, ticket.upload.id);
    expect(await server.parley.database.prisma.upload.count({ where: { ownerId: user.id } })).toBe(0);
    await uploadFile(server, user, { bytes: pdf(), name: 'x.pdf', mimeType: 'application/pdf' });
  });
});
