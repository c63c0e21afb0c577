import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteUploadDocument, DeleteMessageDocument, ExportMyDataDocument, SendFileDocument, SetAvatarDocument } from '../../generated/graphql';
import { openPrivateChat } from '../../helpers/chat-factories';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { cameraJpeg, pdf, png, requestUpload, sendBytes, uploadFile } from '../../helpers/uploads';

const BUCKET = 'parley-test';
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let s3rver: S3rver;
let bucketDir: string;
let endpoint: string;
let publicEndpoint: string;
let s3: S3Client;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  // A real S3-speaking server (s3rver, in this process), as the S3 driver's counterpart.
  bucketDir = mkdtempSync(join(tmpdir(), 'parley-s3rver-'));
  s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: bucketDir, configureBuckets: [{ name: BUCKET, configs: [] }] });
  const { port } = await s3rver.run();
  endpoint = `http://127.0.0.1:${port}`;
  publicEndpoint = `http://localhost:${port}`;
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS });
  server = await startTestServer({
    env: {
      S3_BUCKET: BUCKET,
      S3_ENDPOINT: endpoint,
      // Links name the server as clients reach it; Parley's own requests use S3_ENDPOINT.
      S3_PUBLIC_ENDPOINT: publicEndpoint,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
    },
  });
  [alice, bob] = await Promise.all([signUpUser(server), signUpUser(server)]);
});

afterAll(async () => {
  await server?.close();
  s3.destroy();
  await s3rver?.close();
  rmSync(bucketDir, { recursive: true, force: true });
});

async function objectsOf(uploadId: string): Promise<string[]> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (listed.Contents ?? []).map((object) => object.Key!).filter((key) => key.includes(uploadId)).sort();
}
const complete = (uploadId: string) => server.request(CompleteUploadDocument, { uploadId }, { token: alice.accessToken });

describe('the S3 driver', () => {
  it('sends the bytes straight to the bucket with a presigned PUT, and keeps only the checked file once READY', async () => {
    const bytes = await cameraJpeg(320, 200);
    const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'beach.jpg', mimeType: 'image/jpeg', sizeBytes: bytes.length })).data!.requestUpload;
    expect(ticket.url.startsWith(`${publicEndpoint}/${BUCKET}/incoming/`)).toBe(true);
    const signed = new URL(ticket.url).searchParams;
    expect(signed.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
    expect(ticket.headers).toEqual([
      { name: 'Content-Type', value: 'image/jpeg' },
      { name: 'Content-Length', value: String(bytes.length) },
    ]);
    expect((await sendBytes(ticket, bytes)).status).toBe(200);
    expect(await objectsOf(ticket.upload.id)).toEqual([`incoming/${ticket.upload.id.slice(-2)}/${ticket.upload.id}`]);
    const upload = (await complete(ticket.upload.id)).data!.completeUpload;
    expect(upload).toMatchObject({ status: 'READY', width: 200, height: 320 });
    expect(await objectsOf(upload.id)).toEqual([`previews/${upload.id.slice(-2)}/${upload.id}.webp`, `stored/${upload.id.slice(-2)}/${upload.id}.jpg`]);
    expect(upload.url!.startsWith(`${publicEndpoint}/${BUCKET}/stored/`)).toBe(true);
    const served = await fetch(upload.url!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-disposition')).toBe('inline; filename=beach.jpg');
    expect(served.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    const metadata = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect(metadata).toMatchObject({ width: 200, height: 320 });
    expect(metadata.exif).toBeUndefined();
    expect((await sharp(Buffer.from(await (await fetch(upload.thumbnailUrl!)).arrayBuffer())).metadata()).format).toBe('webp');
  });

  it('carries a photo and a PDF through a message to the other member, and deletes their objects with it', async () => {
    const chatId = await openPrivateChat(server, alice, bob);
    const photo = await uploadFile(server, alice, { bytes: await png(64, 64), name: 'dot.png', mimeType: 'image/png' });
    const document = await uploadFile(server, alice, { bytes: pdf(), name: 'minutes.pdf', mimeType: 'application/pdf' });
    const sent = await server.request(SendFileDocument, { input: { chatId, attachments: [{ uploadId: photo.id }, { uploadId: document.id }] } }, { token: alice.accessToken });
    const [image, file] = sent.data!.sendMessage.attachments;
    expect(image).toMatchObject({ mimeType: 'image/png', width: 64, height: 64 });
    const downloaded = await fetch(file!.url);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(pdf())).toBe(true);
    expect(downloaded.headers.get('content-disposition')).toBe('inline; filename=minutes.pdf');
    const part = await fetch(file!.url, { headers: { range: 'bytes=0-3' } });
    expect([part.status, await part.text()]).toEqual([206, '%PDF']);
    await server.request(DeleteMessageDocument, { messageId: sent.data!.sendMessage.id }, { token: alice.accessToken });
    expect(await objectsOf(photo.id)).toEqual([]);
    expect(await objectsOf(document.id)).toEqual([]);
    expect((await fetch(file!.url)).status).toBe(404);
  });

  it('makes an avatar of an uploaded picture', async () => {
    const avatar = await uploadFile(server, alice, { bytes: await png(50, 50), name: 'me.png', mimeType: 'image/png', purpose: 'AVATAR' });
    const url = (await server.request(SetAvatarDocument, { input: { avatarUploadId: avatar.id } }, { token: alice.accessToken })).data!.updateProfile.avatarUrl!;
    expect(Number(new URL(url).searchParams.get('X-Amz-Expires'))).toBe(24 * 3600);
    expect((await fetch(url)).headers.get('content-type')).toBe('image/png');
  });

  it('refuses a file of another size than announced (which S3 itself refuses for the signed Content-Length), deleting it', async () => {
    const bytes = pdf();
    const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'a.pdf', mimeType: 'application/pdf', sizeBytes: bytes.length })).data!.requestUpload;
    // s3rver does not check the signed Content-Length: the PUT goes through, and completeUpload catches it.
    expect((await sendBytes(ticket, Buffer.concat([bytes, Buffer.from('tail')]))).status).toBe(200);
    const refused = await complete(ticket.upload.id);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'uploadId' });
    expect(refused.errors![0]!.message).toMatch(new RegExp(`has ${bytes.length + 4} bytes, not the ${bytes.length} announced`));
    expect(await objectsOf(ticket.upload.id)).toEqual([]);
    expect(await server.parley.database.prisma.upload.count({ where: { id: ticket.upload.id } })).toBe(0);
  });

  it('refuses a disguised type, deleting it', async () => {
    const bytes = pdf();
    const ticket = (await requestUpload(server, alice, { purpose: 'AVATAR', name: 'me.png', mimeType: 'image/png', sizeBytes: bytes.length })).data!.requestUpload;
    await sendBytes(ticket, bytes);
    expect((await complete(ticket.upload.id)).errors?.[0]?.message).toMatch(/application\/pdf, which is not accepted here/);
    expect(await objectsOf(ticket.upload.id)).toEqual([]);
  });

  it('says the bytes have not arrived before they did', async () => {
    const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'a.pdf', mimeType: 'application/pdf', sizeBytes: 10 })).data!.requestUpload;
    expect((await complete(ticket.upload.id)).errors?.[0]?.message).toMatch(/have not arrived/);
  });

  it('sweeps stale uploads out of the bucket', async () => {
    const bytes = await png();
    const ticket = (await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'p.png', mimeType: 'image/png', sizeBytes: bytes.length })).data!.requestUpload;
    await sendBytes(ticket, bytes);
    const unused = await uploadFile(server, alice, { bytes, name: 'u.png', mimeType: 'image/png' });
    const ids = [ticket.upload.id, unused.id];
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await server.parley.database.prisma.upload.updateMany({ where: { id: { in: ids } }, data: { createdAt: dayAgo, readyAt: dayAgo } });
    expect((await server.parley.sweepUploads()).sort()).toEqual([...ids].sort());
    for (const id of ids) expect(await objectsOf(id)).toEqual([]);
  });

  it('takes a data export streamed in parts (a multipart upload), behind a presigned link, and removes it when it expires', async () => {
    const user = await signUpUser(server);
    const chatId = await openPrivateChat(server, user, bob);
    // About 7 MiB of JSON: more than one 5 MiB part.
    await server.parley.database.prisma.$executeRaw`
      WITH written AS (
        INSERT INTO "Message" ("id", "chatId", "seq", "authorId", "body")
        SELECT gen_random_uuid()::text, ${chatId}, n, ${user.id}, repeat('s3 multipart ', 40) || n FROM generate_series(1, 12000) AS n
        RETURNING "seq")
      UPDATE "Chat" SET "lastSeq" = (SELECT max("seq") FROM written) WHERE "id" = ${chatId}`;
    const exported = await server.request(ExportMyDataDocument, {}, { token: user.accessToken });
    expect(exported.errors).toBeUndefined();
    const { url, sizeBytes, expiresAt } = exported.data!.exportMyData;
    expect(sizeBytes).toBeGreaterThan(5 * 1024 ** 2);
    expect(url.startsWith(`${publicEndpoint}/${BUCKET}/exports/`)).toBe(true);
    const served = await fetch(url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/json');
    const text = await served.text();
    expect(Buffer.byteLength(text)).toBe(sizeBytes);
    expect((JSON.parse(text) as { messages: unknown[] }).messages).toHaveLength(12_000);

    expect(await server.parley.sweepExports(new Date(Date.parse(expiresAt) + 1000))).toBeGreaterThanOrEqual(1);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'exports/' }));
    expect(listed.Contents ?? []).toEqual([]);
  });
});
