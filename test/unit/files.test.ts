import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../src/modules/files/file-check';
import { linkWindow } from '../../src/modules/files/file-links';
import { cleanFileName } from '../../src/modules/files/file-names';
import { ATTACHMENT_FAMILIES, AVATAR_FAMILIES, canonicalType, isShownInline, servedContentType, storedType, typeOfKey } from '../../src/modules/files/file-types';
import { formatBytes } from '../../src/modules/files/upload.service';
import { LinkSignatures, unexpired } from '../../src/storage/link-signatures';
import { pdf, png } from '../helpers/uploads';

const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x87, 0x42, 0x82, 0x84]), Buffer.from('webm'), Buffer.alloc(64)]);
const mp4 = (brand: string) => {
  const box = Buffer.alloc(64);
  box.writeUInt32BE(32, 0);
  box.write('ftyp', 4);
  box.write(brand, 8);
  box.write(brand, 16);
  return box;
};
const oleDocument = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]);
const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100)]);

describe('file types', () => {
  it('names announced types canonically and knows no type outside the allow-list', () => {
    expect(canonicalType('Image/JPG')).toBe('image/jpeg');
    expect(canonicalType('text/plain; charset=utf-8')).toBe('text/plain');
    expect(canonicalType('application/x-zip-compressed')).toBe('application/zip');
    expect(canonicalType('audio/x-m4a')).toBe('audio/mp4');
    for (const refused of ['text/html', 'image/svg+xml', 'application/x-msdownload', 'application/javascript', 'image/heic', 'application/octet-stream']) {
      expect(canonicalType(refused)).toBeUndefined();
    }
  });

  it('takes the announced type of a container that can hold several (audio in WebM or MP4, old Office files)', () => {
    expect(storedType('video/webm', 'audio/webm')).toBe('audio/webm');
    expect(storedType('video/webm', 'video/webm')).toBe('video/webm');
    expect(storedType('application/x-cfb', 'application/msword')).toBe('application/msword');
    expect(storedType('application/x-cfb', 'image/png')).toBeUndefined();
    expect(storedType('audio/ogg; codecs=opus', 'audio/ogg')).toBe('audio/ogg');
  });

  it('shows images, audio, video and PDF in place, and serves text as UTF-8', () => {
    expect(['image/png', 'audio/mpeg', 'video/mp4', 'application/pdf'].every(isShownInline)).toBe(true);
    expect(['text/plain', 'application/zip', 'application/msword'].some(isShownInline)).toBe(false);
    expect(servedContentType('text/csv')).toBe('text/csv; charset=utf-8');
    expect(typeOfKey('stored/ab/0190.weba')).toBe('audio/webm');
  });
});

describe('checkFile', () => {
  it('reads the type from the bytes and takes what agrees with the announced family', async () => {
    expect(await checkFile(webm, 'audio/webm', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'audio/webm', preview: null });
    expect(await checkFile(mp4('M4A '), 'audio/mp4', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'audio/mp4' });
    expect(await checkFile(mp4('isom'), 'audio/mp4', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'audio/mp4' });
    expect(await checkFile(oleDocument, 'application/vnd.ms-excel', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'application/vnd.ms-excel' });
    expect(await checkFile(zip, 'application/zip', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'application/zip' });
    expect(await checkFile(Buffer.from('a,b\n1,2\n'), 'text/csv', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'text/csv' });
    // Another image type than announced is still an image: the bytes' type is kept.
    expect(await checkFile(await png(), 'image/jpeg', AVATAR_FAMILIES)).toMatchObject({ accepted: true, mimeType: 'image/png', width: 40, height: 30 });
  });

  it('keeps the frames of an animated GIF, with a still preview', async () => {
    const frame = (background: string) => sharp({ create: { width: 50, height: 40, channels: 4, background } }).png().toBuffer();
    const gif = await sharp([await frame('red'), await frame('blue')], { join: { animated: true } }).gif({ delay: [100, 100] }).toBuffer();
    const checked = await checkFile(gif, 'image/gif', ATTACHMENT_FAMILIES);
    if (!checked.accepted) throw new Error(checked.reason);
    expect([checked.mimeType, checked.width, checked.height]).toEqual(['image/gif', 50, 40]);
    expect((await sharp(checked.file, { animated: true }).metadata()).pages).toBe(2);
    const preview = await sharp(checked.preview!).metadata();
    expect([preview.format, preview.pages ?? 1, preview.width, preview.height]).toEqual(['webp', 1, 50, 40]);
  });

  it('refuses what disagrees with the announcement, what the purpose does not allow, and what no signature names', async () => {
    expect(await checkFile(pdf(), 'image/png', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: false, reason: expect.stringMatching(/but its bytes are application\/pdf/) });
    expect(await checkFile(mp4('isom'), 'image/png', AVATAR_FAMILIES)).toMatchObject({ accepted: false, reason: expect.stringMatching(/video\/mp4, which is not accepted here/) });
    expect(await checkFile(zip, 'application/pdf', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: false });
    expect(await checkFile(Buffer.from([1, 2, 3, 0, 255]), 'application/pdf', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: false, reason: expect.stringMatching(/could not be recognised/) });
    expect(await checkFile(Buffer.from('text\0with NUL'), 'text/plain', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: false, reason: 'The file is not UTF-8 text.' });
    expect(await checkFile(pdf(), 'text/plain', ATTACHMENT_FAMILIES)).toMatchObject({ accepted: false });
  });
});

describe('file names', () => {
  it('drops any path, trims, and keeps NFC', () => {
    expect(cleanFileName('/home/me/a.png')).toBe('a.png');
    expect(cleanFileName('..\\..\\b.png')).toBe('b.png');
    expect(cleanFileName(' cafe\u0301.txt ')).toBe('café.txt');
  });

  it('refuses empty names, dot names, names past 255 characters and direction controls, naming the field', () => {
    for (const name of ['', '   ', 'dir/', '.', '..', 'x'.repeat(256), 'a\u202Etxt.exe']) {
      expect(() => cleanFileName(name)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'name' }) }));
    }
    expect(cleanFileName('😀'.repeat(255))).toHaveLength(510);
  });
});

describe('links', () => {
  it('work for their lifetime from the start of the current twelfth of it: the same link within one twelfth', () => {
    const hour = 3600;
    const start = Date.UTC(2026, 0, 1, 10, 0, 0);
    const first = linkWindow(hour, start + 1_000);
    expect(linkWindow(hour, start + 299_000)).toEqual(first);
    expect(first.signedAt.getTime()).toBe(start);
    expect(first.expiresAt.getTime()).toBe(start + hour * 1000);
    const next = linkWindow(hour, start + 300_000);
    expect(next.signedAt.getTime()).toBe(start + 300_000);
    // Any link has at least eleven twelfths of its lifetime left.
    expect(first.expiresAt.getTime() - (start + 299_000)).toBeGreaterThanOrEqual((hour * 11_000) / 12);
  });

  it('are signed over every part: another part, order, or key breaks the signature', () => {
    const signatures = new LinkSignatures(new TextEncoder().encode('s'.repeat(40)));
    const signature = signatures.sign(['GET', 'stored/ab/x.png', 'image/png', 'inline', '100']);
    expect(signatures.verify(['GET', 'stored/ab/x.png', 'image/png', 'inline', '100'], signature)).toBe(true);
    expect(signatures.verify(['GET', 'stored/ab/x.png', 'text/html', 'inline', '100'], signature)).toBe(false);
    expect(signatures.verify(['GET', 'stored/ab/x.pngimage/png', '', 'inline', '100'], signature)).toBe(false);
    expect(signatures.verify(['GET', 'stored/ab/x.png', 'image/png', 'inline', '100'], undefined)).toBe(false);
    expect(new LinkSignatures(new TextEncoder().encode('t'.repeat(40))).verify(['GET', 'stored/ab/x.png', 'image/png', 'inline', '100'], signature)).toBe(false);
    expect(unexpired(String(Math.floor(Date.now() / 1000) + 10))).toBeDefined();
    expect(unexpired(String(Math.floor(Date.now() / 1000) - 1))).toBeUndefined();
    expect(unexpired('1e12')).toBeUndefined();
  });
});

it('writes sizes as people read them', () => {
  expect([formatBytes(25 * 1024 * 1024), formatBytes(1024 ** 3), formatBytes(1536), formatBytes(10)]).toEqual(['25 MiB', '1 GiB', '1.5 KiB', '10 bytes']);
});
