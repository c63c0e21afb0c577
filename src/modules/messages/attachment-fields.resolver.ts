import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { SAME_FOR_EVERY_VIEWER } from '../../server/live-execution';
import type { FileLinks } from '../files/file-links';
import { Upload } from '../files/upload.type';
import { Attachment } from './message.type';

/** Attachments that are uploads get signed links to their file; a message is read only by its chat's members. */
@Resolver(() => Attachment)
export class AttachmentFieldsResolver {
  constructor(private readonly links: FileLinks) {}

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => String, { description: 'The link given, or for an upload a signed download link that stops working after a while (read the message again for a fresh one).' })
  url(@Root() attachment: Attachment): string | Promise<string> {
    if (attachment.fileKey) return this.links.file(attachment.fileKey, attachment.name);
    if (attachment.url) return attachment.url;
    throw new Error('an attachment with neither a link nor a file');
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => String, { nullable: true, description: 'A preview of an uploaded image (at most 320 px on its longer side).' })
  thumbnailUrl(@Root() attachment: Attachment): Promise<string> | null {
    return attachment.previewKey ? this.links.preview(attachment.previewKey) : null;
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => Upload, { nullable: true, description: 'The upload behind this attachment; null for a link to a file kept elsewhere.' })
  upload(@Root() attachment: Attachment, @Ctx() context: Context): Promise<Upload | null> | null {
    return attachment.uploadId ? context.loaders.upload.load(attachment.uploadId) : null;
  }
}
