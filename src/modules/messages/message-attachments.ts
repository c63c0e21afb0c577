import type { GraphQLError } from 'graphql';
import { BadInputError, NotFoundError } from '../../errors/errors';
import type { AttachmentInput } from './message.inputs';
import type { RefusedUploadReason } from './message.sql';

/** An attachment as SEND_MESSAGE takes it ($6). */
export interface AttachmentParam {
  position: number;
  url: string | null;
  uploadId: string | null;
  name: string | null;
  mimeType: string | null;
  sizeBytes: number | null;
}

/**
 * The attachments of a send, each a link (url) or an upload (uploadId), never both. An upload's
 * name, type and size are its own: the input's are kept for links only.
 */
export function attachmentParams(inputs: readonly AttachmentInput[]): AttachmentParam[] {
  const uploads = new Set<string>();
  return inputs.map((input, position) => {
    const field = `attachments.${position}`;
    const url = input.url?.trim() || null;
    const uploadId = input.uploadId ?? null;
    if (url !== null && uploadId !== null) throw new BadInputError(`${field}.url`, 'Give either uploadId or url, not both.');
    if (uploadId === null) {
      if (url === null) throw new BadInputError(`${field}.uploadId`, 'Give uploadId (one of your uploads) or url (a link to a file kept elsewhere).');
      return { position, url, uploadId, name: input.name ?? null, mimeType: input.mimeType ?? null, sizeBytes: input.sizeBytes ?? null };
    }
    if (uploads.has(uploadId)) throw new BadInputError(`${field}.uploadId`, 'An upload can be attached once.');
    uploads.add(uploadId);
    return { position, url, uploadId, name: null, mimeType: null, sizeBytes: null };
  });
}

/** Why the upload at `position` could not be attached (nothing was stored); unknown and others' uploads are not found. */
export function refusedUploadError(refused: { position: number; reason: RefusedUploadReason }): GraphQLError {
  const field = `attachments.${refused.position}.uploadId`;
  switch (refused.reason) {
    case 'unknown':
      return new NotFoundError('Upload');
    case 'avatar':
      return new BadInputError(field, 'This upload is for an avatar; attach uploads requested with purpose ATTACHMENT.');
    case 'pending':
      return new BadInputError(field, 'This upload is not READY yet: send its bytes, then call completeUpload.');
    case 'attached':
      return new BadInputError(field, 'This upload is attached to a message already: an upload belongs to one message.');
  }
}
