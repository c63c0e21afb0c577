import type { FastifyInstance, FastifyReply, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { Logger } from 'pino';
import { IncompleteUploadError, type LocalStorage } from '../../storage/local-storage';
import { incomingKey, isUploadId } from './file-links';
import type { UploadService } from './upload.service';

type Query = Record<string, string | undefined>;

/** Loaded with the first download, not at start. */
let loadingSend: Promise<typeof import('@fastify/send')> | undefined;

/** Every file Parley serves: never sniffed into another type, never run as a page, never kept by a shared cache. */
const SERVED_FILE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': 'sandbox',
};

function refuse(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  // A refused upload's body is not read: the connection is not kept for another request.
  return reply.code(status).headers({ ...SERVED_FILE_HEADERS, 'cache-control': 'no-store', connection: 'close' }).send({ code, message });
}

/**
 * The local driver's HTTP side (with S3 the bucket serves both): `PUT /files/upload/:uploadId`
 * takes an upload's bytes once, through its signed link; `GET /files/<key>` serves a stored file
 * through its signed link, with range requests (audio and video seek with them).
 */
export async function registerFileRoutes(
  fastify: FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>,
  storage: LocalStorage, uploads: UploadService): Promise<void> {
  await fastify.register(async (scope) => {
    // The bytes are streamed to disk as they come: no parser may read them first (nor apply /graphql's body limit).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { uploadId: string }; Querystring: Query }>('/files/upload/:uploadId', async (request, reply) => {
      const { uploadId } = request.params;
      const size = isUploadId(uploadId) ? storage.verifyUpload(uploadId, request.query) : undefined;
      if (size === undefined) return refuse(reply, 403, 'FORBIDDEN', 'This upload link is not valid, or has expired: ask requestUpload for a new one.');
      const state = await uploads.admits(uploadId);
      if (state === 'gone') return refuse(reply, 404, 'NOT_FOUND', 'This upload is gone: ask requestUpload for a new one.');
      if (state === 'received') return refuse(reply, 409, 'CONFLICT', "This upload's bytes were received already: a link takes one file, once.");
      const length = request.headers['content-length'];
      if (length === undefined) return refuse(reply, 411, 'LENGTH_REQUIRED', `Send the file with Content-Length: ${size}.`);
      if (Number(length) !== size) return refuse(reply, Number(length) > size ? 413 : 400, 'BAD_REQUEST', `This upload takes exactly ${size} bytes (Content-Length: ${size}), as announced.`);
      const key = incomingKey(uploadId);
      let stored: 'stored' | 'taken';
      try {
        stored = await storage.receive(key, request.raw, size);
      } catch (error) {
        if (!(error instanceof IncompleteUploadError)) throw error;
        return refuse(reply, 400, 'BAD_REQUEST', `The request ended before its ${size} bytes arrived (${error.message}).`);
      }
      if (stored === 'taken' || !(await uploads.received(uploadId))) {
        if (stored === 'stored') await storage.delete([key]);
        return refuse(reply, 409, 'CONFLICT', "This upload's bytes were received already: a link takes one file, once.");
      }
      return reply.code(200).header('cache-control', 'no-store').send();
    });
  });

  fastify.get<{ Params: { '*': string }; Querystring: Query }>('/files/*', async (request, reply) => {
    const key = request.params['*'];
    const link = storage.verifyDownload(key, request.query);
    if (!link) return refuse(reply, 403, 'FORBIDDEN', 'This link is not valid, or has expired: read the message (or profile) again for a fresh one.');
    const { default: send } = await (loadingSend ??= import('@fastify/send'));
    const served = await send(request.raw, key, {
      root: storage.root,
      dotfiles: 'deny',
      index: false,
      extensions: false,
      contentType: false,
      cacheControl: false,
    });
    if (served.type !== 'file') {
      if (served.statusCode === 404) return refuse(reply, 404, 'NOT_FOUND', 'This file is gone.');
      // A range past the end (416) or a failed precondition (412), as send words it.
      return reply.code(served.statusCode).headers(served.headers).headers(SERVED_FILE_HEADERS).send(served.stream);
    }
    const maxAge = Math.max(0, Math.floor((link.expiresAt - Date.now()) / 1000));
    return reply
      .code(served.statusCode)
      .headers(served.headers)
      .headers({
        ...SERVED_FILE_HEADERS,
        'content-type': link.contentType,
        'content-disposition': link.contentDisposition,
        'cache-control': `private, max-age=${maxAge}`,
      })
      .send(served.stream);
  });
}
