import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompleteUploadDocument } from '../../generated/graphql';
import { signUpUser, type TestUser } from '../../helpers/factories';
import { startTestServer, type TestServer } from '../../helpers/server';
import { cameraJpeg, GPS_IFD_TAG, pdf, png, requestUpload, sendBytes, uploadFile, wav } from '../../helpers/uploads';

let server: TestServer;
let alice: TestUser;
beforeAll(async () => {
  server = await startTestServer();
  alice = await signUpUser(server);
});
afterAll(() => server.close());

const filesDir = () => join(server.config.dataDir, 'files');
const complete = (user: TestUser, uploadId: string) => server.request(CompleteUploadDocument, { uploadId }, { token: user.accessToken });

describe('an upload through the local driver', () => {
  it('answers requestUpload with a PENDING upload and one signed PUT for exactly its bytes', async () => {
    const bytes = await png();
    const { data, errors } = await requestUpload(server, alice, { purpose: 'ATTACHMENT', name: 'C:\\Users\\alice\\Pictures\\dot.png', mimeType: 'image/png', sizeBytes: bytes.length });
    expect(errors).toBeUndefined();
    const ticket = data!.requestUpload;
    expect(ticket.upload).toMatchObject({ purpose: 'ATTACHMENT', status: 'PENDING', name: 'dot.png', mimeType: 'image/png', sizeBytes: bytes.length, url: null, thumbnailUrl: null });
    expect(ticket.method).toBe('PUT');
    expect(ticket.url).toMatch(new RegExp(`^${server.url.replace('/graphql', '')}/files/upload/${ticket.upload.id}\\?`));
    expect(ticket.headers).toEqual([
      { name: 'Content-Type', value: 'image/png' },
      { name: 'Content-Length', value: String(bytes.length) },
    ]);
    const lifetime = new Date(ticket.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(14 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(15 * 60_000);
  });

  it('takes a camera photo: orientation applied, GPS and camera metadata gone from what is served, a WebP preview of at most 320 px', async () => {
    const original = await cameraJpeg(640, 480);
    const before = await sharp(original).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif!.includes(GPS_IFD_TAG)).toBe(true);
    const upload = await uploadFile(server, alice, { bytes: original, name: 'holiday.jpg', mimeType: 'image/jpeg' });
    // Orientation 6 turns the 640 x 480 pixels a quarter: 480 wide, 640 high.
    expect(upload).toMatchObject({ status: 'READY', mimeType: 'image/jpeg', width: 480, height: 640 });
    const served = await fetch(upload.url!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('content-disposition')).toBe('inline; filename=holiday.jpg');
    const bytes = Buffer.from(await served.arrayBuffer());
    expect(bytes.length).toBe(upload.sizeBytes);
    const metadata = await sharp(bytes).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', width: 480, height: 640 });
    expect(metadata.exif).toBeUndefined();
    expect(metadata.orientation).toBeUndefined();
    expect(bytes.includes('ParleyCam')).toBe(false);
    const preview = Buffer.from(await (await fetch(upload.thumbnailUrl!)).arrayBuffer());
    expect(await sharp(preview).metadata()).toMatchObject({ format: 'webp', width: 240, height: 320 });
  });

  it('takes a PNG and keeps a small one at its size, with a preview', async () => {
    const upload = await uploadFile(server, alice, { bytes: await png(40, 30), name: 'dot.png', mimeType: 'image/png' });
    expect(upload).toMatchObject({ status: 'READY', mimeType: 'image/png', width: 40, height: 30 });
    expect(await sharp(Buffer.from(await (await fetch(upload.thumbnailUrl!)).arrayBuffer())).metadata()).toMatchObject({ format: 'webp', width: 40, height: 30 });
  });

  it('takes a PDF as it came, served in place with its name', async () => {
    const bytes = pdf();
    const upload = await uploadFile(server, alice, { bytes, name: 'Rapport été.pdf', mimeType: 'application/pdf' });
    expect(upload).toMatchObject({ status: 'READY', mimeType: 'application/pdf', sizeBytes: bytes.length, width: null, height: null, thumbnailUrl: null });
    const served = await fetch(upload.url!);
    expect(Buffer.from(await served.arrayBuffer()).equals(bytes)).toBe(true);
    expect(served.headers.get('content-type')).toBe('application/pdf');
    expect(served.headers.get('content-disposition')).toBe(`inline; filename="Rapport ?t?.pdf"; filename*=UTF-8''Rapport%20%C3%A9t%C3%A9.pdf`);
  });

  it('serves every file with nosniff, a sandbox policy and a private cache policy, and text and archives as downloads', async () => {
    const text = await uploadFile(server, alice, { bytes: Buffer.from('<script>alert(1)</script>\nnotes ✓\n'), name: 'notes.txt', mimeType: 'text/plain' });
    const served = await fetch(text.url!);
    expect(text.mimeType).toBe('text/plain');
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe('sandbox');
    expect(served.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect(served.headers.get('content-disposition')).toBe('attachment; filename=notes.txt');
  });

  it('answers range requests, as audio and video players seek', async () => {
    const bytes = wav();
    const upload = await uploadFile(server, alice, { bytes, name: 'voice.wav', mimeType: 'audio/wav' });
    expect(upload.mimeType).toBe('audio/wav');
    const part = await fetch(upload.url!, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.headers.get('accept-ranges')).toBe('bytes');
    expect(part.headers.get('content-disposition')).toBe('inline; filename=voice.wav');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);
    expect((await fetch(upload.url!, { headers: { range: `bytes=${bytes.length + 10}-` } })).status).toBe(416);
  });

  it('keeps the checked file only: the bytes as sent are gone once READY', async () => {
    const upload = await uploadFile(server, alice, { bytes: await cameraJpeg(), name: 'gps.jpg', mimeType: 'image/jpeg' });
    expect(existsSync(join(filesDir(), 'incoming', upload.id.slice(-2), upload.id))).toBe(false);
    expect(existsSync(join(filesDir(), 'stored', upload.id.slice(-2), `${upload.id}.jpg`))).toBe(true);
  });

  it('streams a file of the full 25 MiB to disk and takes it', async () => {
    const bytes = Buffer.concat([pdf(), Buffer.alloc(25 * 1024 * 1024 - pdf().length, 0x20)]);
    const upload = await uploadFile(server, alice, { bytes, name: 'big.pdf', mimeType: 'application/pdf' });
    expect(upload).toMatchObject({ status: 'READY', sizeBytes: 25 * 1024 * 1024 });
    const tail = await fetch(upload.url!, { headers: { range: 'bytes=-4' } });
    expect([tail.status, await tail.text()]).toEqual([206, '    ']);
  });

  it('completes twice to the same READY upload', async () => {
    const upload = await uploadFile(server, alice, { bytes: pdf(), name: 'again.pdf', mimeType: 'application/pdf' });
    const again = await complete(alice, upload.id);
    expect(again.errors).toBeUndefined();
    expect(again.data!.completeUpload).toMatchObject({ id: upload.id, status: 'READY', sizeBytes: upload.sizeBytes });
  });

  it('takes the upload with a browser-given type name (image/jpg) as its canonical type', async () => {
    const bytes = await cameraJpeg(32, 32);
    const requested = await requestUpload(server, alice, { purpose: 'AVATAR', name: 'me.jpg', mimeType: 'image/jpg', sizeBytes: bytes.length });
    expect(requested.data!.requestUpload.upload).toMatchObject({ mimeType: 'image/jpeg', purpose: 'AVATAR' });
    expect((await sendBytes(requested.data!.requestUpload, bytes)).status).toBe(200);
    expect((await complete(alice, requested.data!.requestUpload.upload.id)).data!.completeUpload).toMatchObject({ status: 'READY', width: 32, height: 32 });
  });
});
