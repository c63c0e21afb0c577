import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Upload as UploadRow } from '../../generated/prisma/client';
import { Node } from '../../server/node';

export enum UploadPurpose {
  ATTACHMENT = 'ATTACHMENT',
  AVATAR = 'AVATAR',
}

export enum UploadStatus {
  PENDING = 'PENDING',
  READY = 'READY',
}

registerEnumType(UploadPurpose, {
  name: 'UploadPurpose',
  valuesConfig: {
    ATTACHMENT: { description: 'A file to attach to messages: readable by the members of the chats it is sent to.' },
    AVATAR: { description: 'A profile picture: an image, readable by every signed-in user.' },
  },
});

registerEnumType(UploadStatus, {
  name: 'UploadStatus',
  valuesConfig: {
    PENDING: { description: 'Announced; its bytes have not been confirmed yet.' },
    READY: { description: 'Stored and checked; it can be attached or set as an avatar.' },
  },
});

@ObjectType({ simpleResolvers: true, implements: Node, description: 'A file a user uploaded.' })
export class Upload implements Node {
  @Field(() => ID)
  id!: string;

  @Field(() => UploadPurpose)
  purpose!: UploadPurpose;

  @Field(() => UploadStatus)
  status!: UploadStatus;

  @Field(() => String, { description: 'The file name as given, without any path.' })
  name!: string;

  @Field(() => String, { description: "The type found in the file's own bytes once READY (before that, the announced one)." })
  mimeType!: string;

  @Field(() => Int, { description: 'Announced while PENDING; once READY, the size of the file served (images are written again without their metadata).' })
  sizeBytes!: number;

  @Field(() => Int, { nullable: true, description: 'Pixel size, for images.' })
  width!: number | null;

  @Field(() => Int, { nullable: true })
  height!: number | null;

  @Field(() => Date)
  createdAt!: Date;

  /** Where the served file and the preview are kept (READY only); `url` and `thumbnailUrl` sign links to them. */
  fileKey!: string | null;

  previewKey!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class HttpHeader {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  value!: string;
}

@ObjectType({ simpleResolvers: true, description: "Where and how to send a file's bytes: one HTTP request, before expiresAt." })
export class UploadTicket {
  @Field(() => Upload)
  upload!: Upload;

  @Field(() => String)
  method!: string;

  @Field(() => String)
  url!: string;

  @Field(() => [HttpHeader], { description: 'Headers the request must carry exactly as given.' })
  headers!: HttpHeader[];

  @Field(() => Date)
  expiresAt!: Date;
}

/** The columns an Upload is made of. */
export const uploadColumns = {
  id: true,
  purpose: true,
  status: true,
  name: true,
  mimeType: true,
  sizeBytes: true,
  width: true,
  height: true,
  createdAt: true,
  fileKey: true,
  previewKey: true,
} as const satisfies Partial<Record<keyof UploadRow, true>>;

export type UploadRecord = Pick<UploadRow, keyof typeof uploadColumns>;

/** The one mapping from a stored upload to the API's Upload. */
export function toUpload(row: UploadRecord): Upload {
  const { id, name, mimeType, sizeBytes, width, height, createdAt, fileKey, previewKey } = row;
  return {
    id,
    purpose: row.purpose as UploadPurpose,
    status: row.status as UploadStatus,
    name,
    mimeType,
    sizeBytes,
    width,
    height,
    createdAt,
    fileKey: row.status === 'READY' ? fileKey : null,
    previewKey: row.status === 'READY' ? previewKey : null,
  };
}
