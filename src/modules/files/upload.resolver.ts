import { Arg, Authorized, Extensions, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import { SAME_FOR_EVERY_VIEWER } from '../../server/live-execution';
import type { FileLinks } from './file-links';
import { RequestUploadInput } from './upload.inputs';
import type { UploadService } from './upload.service';
import { Upload, UploadPurpose, UploadTicket } from './upload.type';

@Resolver(() => Upload)
export class UploadResolver {
  constructor(
    private readonly uploadService: UploadService,
    private readonly links: FileLinks,
  ) {}

  @Authorized()
  @Mutation(() => UploadTicket, { description: 'Checks the announced name, type and size against the limits before any byte is sent, and says where to send the bytes.' })
  requestUpload(@Arg('input', () => RequestUploadInput) input: RequestUploadInput, @CurrentUser() viewer: Viewer): Promise<UploadTicket> {
    return this.uploadService.request(viewer.userId, input);
  }

  @Authorized()
  @Mutation(() => Upload, {
    description: 'After the bytes were sent: checks the stored file (exact size, type read from its bytes, allowed for the purpose), makes the preview of an image, and marks it READY.',
  })
  completeUpload(@Arg('uploadId', () => ID) uploadId: string, @CurrentUser() viewer: Viewer): Promise<Upload> {
    return this.uploadService.complete(viewer.userId, uploadId);
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => String, { nullable: true, description: 'Where to download it while READY; a link that stops working after a while (ask again for a fresh one).' })
  url(@Root() upload: Upload): Promise<string> | null {
    return upload.fileKey ? this.links.file(upload.fileKey, upload.name, upload.purpose === UploadPurpose.AVATAR ? 'avatar' : 'attachment') : null;
  }

  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => String, { nullable: true, description: 'A small preview (at most 320 px on its longer side), for images.' })
  thumbnailUrl(@Root() upload: Upload): Promise<string> | null {
    return upload.previewKey ? this.links.preview(upload.previewKey, upload.purpose === UploadPurpose.AVATAR ? 'avatar' : 'attachment') : null;
  }
}
