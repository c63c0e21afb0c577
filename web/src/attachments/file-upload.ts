import type { OutgoingAttachment } from '../chat/outbox';
import { describeError } from '../ui/errors';
import { TransferError, type UploadTicket } from './send-bytes';

/** Where one file is: announced, its bytes on their way, checked by Parley, READY, or stopped by a failure. */
export type UploadPhase = 'requesting' | 'sending' | 'checking' | 'ready' | 'failed';

export interface UploadState {
  key: string;
  name: string;
  sizeBytes: number;
  mimeType: string;
  phase: UploadPhase;
  /** The share of the bytes sent, 0-1. */
  progress: number;
  error: { message: string; retryable: boolean } | null;
  /** Once READY: what the message sends and shows. */
  attachment: OutgoingAttachment | null;
}

export interface ReadyUpload {
  id: string;
  name: string;
  mimeType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  url: string | null;
  thumbnailUrl: string | null;
}

/** Parley's three steps, injected so that the order and the resuming can be tested without a server. */
export interface UploadApi {
  request(file: { name: string; mimeType: string; sizeBytes: number }): Promise<UploadTicket>;
  send(ticket: UploadTicket, body: Blob, onProgress: (share: number) => void, signal: AbortSignal): Promise<void>;
  complete(uploadId: string): Promise<ReadyUpload>;
}

/** A ticket this close to its expiry is not worth starting a transfer with. */
const TICKET_MARGIN_MS = 10_000;
/** What a browser calls a file it cannot type; Parley then says which types it takes. */
const UNKNOWN_TYPE = 'application/octet-stream';

/**
 * One file's way to a READY upload: `requestUpload`, the bytes in one request, `completeUpload`.
 * A retry goes on from the step that failed: bytes that arrived are never sent again (a lost
 * answer to `completeUpload` asks only that again), and a ticket is reused until it expires. A
 * refusal (type, size, quota, or a file that is not what it says) is final and says why.
 */
export class FileUpload {
  private ticket: UploadTicket | null = null;
  private bytesArrived = false;
  private running = false;
  private readonly aborter = new AbortController();
  private current: UploadState;

  constructor(
    key: string,
    private readonly file: File,
    private readonly api: UploadApi,
    private readonly onChange: (state: UploadState) => void,
    private readonly now: () => number = Date.now,
  ) {
    const mimeType = file.type || UNKNOWN_TYPE;
    this.current = { key, name: file.name, sizeBytes: file.size, mimeType, phase: 'requesting', progress: 0, error: null, attachment: null };
  }

  get state(): UploadState {
    return this.current;
  }

  /** Starts, or after a failure goes on; does nothing while running, once READY, or once cancelled. */
  async run(): Promise<void> {
    if (this.running || this.current.phase === 'ready' || this.aborter.signal.aborted) return;
    this.running = true;
    try {
      const ticket = await this.usableTicket();
      if (!this.bytesArrived) await this.sendBytes(ticket);
      await this.check(ticket);
    } catch (error) {
      if (!this.aborter.signal.aborted) this.update({ phase: 'failed', error: failureOf(error) });
    } finally {
      this.running = false;
    }
  }

  /** The file was taken out of the message: its transfer stops (Parley sweeps the unused upload). */
  cancel(): void {
    this.aborter.abort();
  }

  private async usableTicket(): Promise<UploadTicket> {
    const expired = this.ticket && !this.bytesArrived && Date.parse(this.ticket.expiresAt) - this.now() < TICKET_MARGIN_MS;
    if (this.ticket && !expired) return this.ticket;
    this.update({ phase: 'requesting', progress: 0, error: null });
    this.ticket = await this.api.request({ name: this.current.name, mimeType: this.current.mimeType, sizeBytes: this.current.sizeBytes });
    this.bytesArrived = false;
    return this.ticket;
  }

  private async sendBytes(ticket: UploadTicket): Promise<void> {
    this.update({ phase: 'sending', progress: 0, error: null });
    try {
      await this.api.send(ticket, this.file, (progress) => this.update({ progress }), this.aborter.signal);
    } catch (error) {
      if (!(error instanceof TransferError)) throw error;
      // 409: an earlier attempt's bytes arrived, only its answer was lost. Go on to the check.
      if (error.status === 409) return this.arrived();
      // 403 (the link expired) or 404 (the upload is gone): the next attempt asks for a new ticket.
      if (error.status === 403 || error.status === 404) this.ticket = null;
      throw error;
    }
    this.arrived();
  }

  private arrived(): void {
    this.bytesArrived = true;
    this.update({ progress: 1 });
  }

  private async check(ticket: UploadTicket): Promise<void> {
    this.update({ phase: 'checking', error: null });
    let ready: ReadyUpload;
    try {
      ready = await this.api.complete(ticket.uploadId);
    } catch (error) {
      // Refused (the upload is deleted with its file) or gone: anything further starts again.
      const code = describeError(error).code;
      if (code === 'BAD_USER_INPUT' || code === 'NOT_FOUND') this.startOver();
      throw error;
    }
    const { id: uploadId, name, mimeType, sizeBytes, width, height, url, thumbnailUrl } = ready;
    this.update({ phase: 'ready', progress: 1, attachment: { uploadId, name, mimeType, sizeBytes, width, height, url, thumbnailUrl } });
  }

  private startOver(): void {
    this.ticket = null;
    this.bytesArrived = false;
  }

  private update(change: Partial<UploadState>): void {
    this.current = { ...this.current, ...change };
    this.onChange(this.current);
  }
}

function failureOf(error: unknown): { message: string; retryable: boolean } {
  if (error instanceof TransferError) {
    // No answer, the server, or a cut-off request may pass; the others are refusals of this file.
    const retryable = error.status === 0 || error.status >= 500 || [400, 403, 404, 408, 429].includes(error.status);
    return { message: error.message, retryable };
  }
  const problem = describeError(error);
  // NOT_FOUND: the upload went meanwhile (swept, or refused); a new one may well pass.
  return { message: problem.message, retryable: problem.retryable || problem.code === 'NOT_FOUND' };
}
