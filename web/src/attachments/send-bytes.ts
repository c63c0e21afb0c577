/** Where and how to send one file's bytes, as `requestUpload` answered. */
export interface UploadTicket {
  uploadId: string;
  method: string;
  url: string;
  headers: { name: string; value: string }[];
  expiresAt: string;
}

/** The upload request failed: `status` 0 when no answer came (offline, connection cut). */
export class TransferError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'TransferError';
  }
}

/**
 * Headers a page may not set (the Fetch standard's forbidden names that a ticket can carry): the
 * browser sends them itself, Content-Length from the file's size, which is the size announced.
 * Setting one anyway would only log a console error.
 */
const SET_BY_THE_BROWSER = new Set(['content-length', 'host', 'connection', 'expect', 'date', 'keep-alive', 'transfer-encoding']);

/**
 * Sends the bytes with the one request the ticket describes, reporting the share sent (0-1).
 * XMLHttpRequest rather than fetch: only it reports an upload's progress.
 */
export function sendBytes(ticket: UploadTicket, body: Blob, onProgress: (share: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open(ticket.method, ticket.url);
    for (const { name, value } of ticket.headers) {
      if (!SET_BY_THE_BROWSER.has(name.toLowerCase())) request.setRequestHeader(name, value);
    }
    request.upload.onprogress = (event) => onProgress(event.total > 0 ? event.loaded / event.total : 0);
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve();
      else reject(new TransferError(request.status, refusal(request)));
    };
    request.onerror = () => reject(new TransferError(0, navigator.onLine ? 'The connection was lost while sending the file.' : 'You are offline.'));
    request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    signal.addEventListener('abort', () => request.abort(), { once: true });
    request.send(body);
  });
}

/** Parley's own refusals carry `{ code, message }`; a bucket's are XML, said here by their status. */
function refusal(request: XMLHttpRequest): string {
  try {
    const body = JSON.parse(request.responseText) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: fall through to the status.
  }
  return `The file could not be stored (HTTP ${request.status}).`;
}
