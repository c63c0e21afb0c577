import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FileUpload, type ReadyUpload, type UploadApi, type UploadState } from './file-upload';
import { TransferError, type UploadTicket } from './send-bytes';

// Refusals are read by ui/errors.ts, which imports the API's address, read from the page's.
vi.hoisted(() => {
  Object.assign(globalThis, { window: { location: { href: 'http://parley.test/' } } });
});

const NOW = Date.parse('2026-12-01T12:00:00.000Z');

function refusal(code: string, message: string, field?: string) {
  return new CombinedGraphQLErrors({ data: null, errors: [{ message, extensions: { code, field } }] });
}

/** Parley's three steps, each answering from a script of outcomes (then succeeding), and counting its calls. */
function fakeApi(script: { request?: unknown[]; send?: unknown[]; complete?: unknown[] } = {}) {
  const calls = { request: 0, send: 0, complete: 0, tickets: [] as string[] };
  const next = (outcomes: unknown[] | undefined) => {
    const outcome = outcomes?.shift();
    if (outcome) throw outcome;
  };
  const api: UploadApi = {
    request: async (file) => {
      calls.request += 1;
      next(script.request);
      const ticket: UploadTicket = {
        uploadId: `upload-${calls.request}`,
        method: 'PUT',
        url: `http://parley.test/files/upload/upload-${calls.request}`,
        headers: [{ name: 'Content-Length', value: String(file.sizeBytes) }],
        expiresAt: new Date(NOW + 15 * 60_000).toISOString(),
      };
      return ticket;
    },
    send: async (ticket, _body, onProgress) => {
      calls.send += 1;
      calls.tickets.push(ticket.uploadId);
      onProgress(0.5);
      next(script.send);
      onProgress(1);
    },
    complete: async (uploadId): Promise<ReadyUpload> => {
      calls.complete += 1;
      next(script.complete);
      return { id: uploadId, name: 'photo.png', mimeType: 'image/png', sizeBytes: 5, width: 2, height: 1, url: `http://parley.test/files/${uploadId}`, thumbnailUrl: `http://parley.test/files/${uploadId}-preview` };
    },
  };
  return { api, calls };
}

function start(api: UploadApi, now = () => NOW) {
  const phases: string[] = [];
  const upload = new FileUpload('key-1', new File(['bytes'], 'photo.png', { type: 'image/png' }), api, (state: UploadState) => {
    if (phases[phases.length - 1] !== state.phase) phases.push(state.phase);
  }, now);
  return { upload, phases };
}

beforeEach(() => {
  // describeError tells offline from unreachable by navigator.onLine.
  vi.stubGlobal('navigator', { onLine: true });
});

describe('uploading a file', () => {
  it('announces it, sends its bytes once, has it checked, and holds what the message sends', async () => {
    const { api, calls } = fakeApi();
    const { upload, phases } = start(api);
    await upload.run();
    expect(phases).toEqual(['requesting', 'sending', 'checking', 'ready']);
    expect(calls).toMatchObject({ request: 1, send: 1, complete: 1 });
    expect(upload.state.attachment).toEqual({
      uploadId: 'upload-1', name: 'photo.png', mimeType: 'image/png', sizeBytes: 5, width: 2, height: 1,
      url: 'http://parley.test/files/upload-1', thumbnailUrl: 'http://parley.test/files/upload-1-preview',
    });
  });

  it('after a lost answer to completeUpload, asks only that again: the bytes that arrived are not sent again', async () => {
    const { api, calls } = fakeApi({ complete: [new TransferError(0, 'The connection was lost.')] });
    const { upload } = start(api);
    await upload.run();
    expect(upload.state).toMatchObject({ phase: 'failed', error: { retryable: true } });
    await upload.run();
    expect(upload.state.phase).toBe('ready');
    expect(calls).toMatchObject({ request: 1, send: 1, complete: 2 });
  });

  it('sends the bytes again with the same ticket after a cut-off transfer, and goes on when the first had arrived after all (409)', async () => {
    const { api, calls } = fakeApi({ send: [new TransferError(0, 'The connection was lost.'), new TransferError(409, 'Received already.')] });
    const { upload } = start(api);
    await upload.run();
    expect(upload.state).toMatchObject({ phase: 'failed', error: { message: 'The connection was lost.', retryable: true } });
    await upload.run();
    expect(upload.state.phase).toBe('ready');
    expect(calls).toMatchObject({ request: 1, send: 2, complete: 1, tickets: ['upload-1', 'upload-1'] });
  });

  it('asks for a new ticket when the old one expired, or its link was refused', async () => {
    let now = NOW;
    const { api, calls } = fakeApi({ send: [new TransferError(0, 'Offline.'), new TransferError(403, 'This upload link has expired.')] });
    const { upload } = start(api, () => now);
    await upload.run();
    now += 20 * 60_000;
    await upload.run();
    expect(upload.state).toMatchObject({ phase: 'failed', error: { retryable: true } });
    await upload.run();
    expect(upload.state.phase).toBe('ready');
    expect(calls.tickets).toEqual(['upload-1', 'upload-2', 'upload-3']);
  });

  it('stops for good with Parley’s reason when the file is refused, before or after its bytes went', async () => {
    const tooBig = fakeApi({ request: [refusal('BAD_USER_INPUT', 'Attachments may be at most 25 MiB.', 'sizeBytes')] });
    const big = start(tooBig.api);
    await big.upload.run();
    expect(big.upload.state).toMatchObject({ phase: 'failed', error: { message: 'Attachments may be at most 25 MiB.', retryable: false } });
    expect(tooBig.calls.send).toBe(0);

    const notAnImage = fakeApi({ complete: [refusal('BAD_USER_INPUT', 'The file is not a PNG.', 'uploadId')] });
    const fake = start(notAnImage.api);
    await fake.upload.run();
    expect(fake.upload.state).toMatchObject({ phase: 'failed', error: { message: 'The file is not a PNG.', retryable: false } });
  });

  it('says nothing more once cancelled', async () => {
    const { api } = fakeApi();
    const { upload, phases } = start({ ...api, send: (_ticket, _body, _progress, signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new DOMException('Cancelled', 'AbortError')))) });
    const running = upload.run();
    await vi.waitFor(() => expect(phases).toContain('sending'));
    upload.cancel();
    await running;
    expect(upload.state.phase).toBe('sending');
    await upload.run();
    expect(phases).toEqual(['requesting', 'sending']);
  });
});
