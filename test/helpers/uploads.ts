import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { CompleteUploadDocument, RequestUploadDocument, type RequestUploadInput, type RequestUploadMutation, type UploadFieldsFragment } from '../generated/graphql';
import type { TestUser } from './factories';
import type { GraphQLResponse, TestServer } from './server';

export type Ticket = RequestUploadMutation['requestUpload'];

export function requestUpload(server: TestServer, user: TestUser, input: RequestUploadInput): Promise<GraphQLResponse<RequestUploadMutation>> {
  return server.request(RequestUploadDocument, { input }, { token: user.accessToken });
}

/** Sends the bytes as the ticket says (its method, URL and headers); `headers` adds or replaces some. */
export function sendBytes(ticket: Pick<Ticket, 'method' | 'url' | 'headers'>, bytes: Uint8Array, options: { url?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  const headers = Object.fromEntries(ticket.headers.filter((header) => header.name.toLowerCase() !== 'content-length').map((header) => [header.name, header.value]));
  return fetch(options.url ?? ticket.url, { method: ticket.method, body: bytes, headers: { ...headers, ...options.headers } });
}

/** The whole flow: announce, send, complete; throws unless the upload ends READY. */
export async function uploadFile(
  server: TestServer,
  user: TestUser,
  file: { bytes: Uint8Array; name: string; mimeType: string; purpose?: RequestUploadInput['purpose'] },
): Promise<UploadFieldsFragment> {
  const requested = await requestUpload(server, user, { purpose: file.purpose ?? 'ATTACHMENT', name: file.name, mimeType: file.mimeType, sizeBytes: file.bytes.length });
  if (!requested.data) throw new Error(`requestUpload failed: ${JSON.stringify(requested.errors)}`);
  const ticket = requested.data.requestUpload;
  const sent = await sendBytes(ticket, file.bytes);
  if (!sent.ok) throw new Error(`sending the bytes failed: ${sent.status} ${await sent.text()}`);
  const completed = await server.request(CompleteUploadDocument, { uploadId: ticket.upload.id }, { token: user.accessToken });
  if (!completed.data) throw new Error(`completeUpload failed: ${JSON.stringify(completed.errors)}`);
  return completed.data.completeUpload;
}

/** The EXIF tag that points to the GPS position (0x8825), as little-endian EXIF (sharp's) writes it. */
export const GPS_IFD_TAG = Buffer.from([0x25, 0x88]);

/** A JPEG as a phone camera writes it, as far as its metadata goes: a GPS position, a camera, and orientation 6 (turn 90° clockwise). */
export function cameraJpeg(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'ParleyCam', Model: 'Test 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2964/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4020/100' },
    })
    .toBuffer();
}

export function png(width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 120, b: 200, alpha: 1 } } }).png().toBuffer();
}

/** A small, valid one-page PDF. */
export function pdf(): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    '<< /Length 44 >>\nstream\nBT /F1 18 Tf 20 40 Td (Hello Parley) Tj ET\nendstream',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let text = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(text));
    text += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text);
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(text, 'latin1');
}

/** A tiny WAV: 0.1 s of silence, 8 kHz mono 8-bit. */
export function wav(): Buffer {
  const samples = 800;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + samples, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(samples, 40);
  return Buffer.concat([header, Buffer.alloc(samples, 128)]);
}

/** Every file the local driver keeps under DATA_DIR/files, as paths below it. */
export function storedFiles(server: TestServer): string[] {
  const root = join(server.config.dataDir, 'files');
  return existsSync(root) ? readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => relative(root, join(entry.parentPath, entry.name))) : [];
}
