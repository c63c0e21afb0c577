import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Attachment as AttachmentRow, Message as MessageRow } from '../../generated/prisma/client';
import type { Chat } from '../chats/chat.type';
import type { User } from '../users/user.type';
import { Node } from '../../server/node';
import { ConnectionType } from '../../server/relay';

export enum MessageStatus {
  SENT = 'SENT',
  DELIVERED = 'DELIVERED',
  READ = 'READ',
}

registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  valuesConfig: {
    SENT: { description: 'Stored; not yet delivered to every other member.' },
    DELIVERED: { description: 'Delivered to every other member.' },
    READ: { description: 'Read by every other member.' },
  },
});

/** A file of a message: a link given by its author, or one of the author's uploads (`url` and `thumbnailUrl` then sign links to it). */
@ObjectType({ simpleResolvers: true })
export class Attachment {
  /** The link as given; null for an upload. */
  url!: string | null;

  uploadId!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  mimeType!: string | null;

  @Field(() => Int, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => Int, { nullable: true })
  width!: number | null;

  @Field(() => Int, { nullable: true })
  height!: number | null;

  /** Where an upload's file and preview are kept. */
  fileKey!: string | null;

  previewKey!: string | null;
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class Message implements Node {
  @Field(() => ID)
  id!: string;

  /** Resolved into `chat` and `author` by the resolver. */
  chatId!: string;

  authorId!: string;

  @Field(() => Int)
  seq!: number;

  @Field(() => String, { nullable: true, description: 'Null once deleted.' })
  body!: string | null;

  @Field(() => [Attachment])
  attachments!: Attachment[];

  @Field(() => String, { nullable: true, description: 'The id the sending client chose; resending the same clientId returns this message.' })
  clientId!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  editedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deletedAt!: Date | null;

  /** The author and chat as the send left them, brought by a live event: `author` and `chat` then cost no query. */
  sentBy?: User;

  sentIn?: Chat;
}

@ObjectType({ simpleResolvers: true })
export class MessageConnection extends ConnectionType(Message) {}

@ObjectType({ simpleResolvers: true })
export class ReadReceipt {
  /** Resolved into `chat` and `user` by the resolver. */
  chatId!: string;

  userId!: string;

  @Field(() => Int)
  lastReadSeq!: number;

  @Field(() => Int)
  lastDeliveredSeq!: number;

  @Field(() => Date)
  at!: Date;
}

/** The columns an Attachment is made of. */
export const attachmentColumns = {
  url: true,
  uploadId: true,
  name: true,
  mimeType: true,
  sizeBytes: true,
  width: true,
  height: true,
  fileKey: true,
  previewKey: true,
} as const satisfies Partial<Record<keyof AttachmentRow, true>>;

/** What a Message is read with: its columns and its attachments, in order. */
export const messageSelect = {
  id: true,
  chatId: true,
  authorId: true,
  seq: true,
  body: true,
  clientId: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  attachments: { select: attachmentColumns, orderBy: { position: 'asc' } },
} as const;

export type MessageRecord = Pick<MessageRow, 'id' | 'chatId' | 'authorId' | 'seq' | 'body' | 'clientId' | 'createdAt' | 'editedAt' | 'deletedAt'> & {
  attachments: Pick<AttachmentRow, keyof typeof attachmentColumns>[];
};

/** The one mapping from a stored message to the API's Message. */
export function toMessage(row: MessageRecord): Message {
  const { id, chatId, authorId, seq, body, clientId, createdAt, editedAt, deletedAt, attachments } = row;
  return { id, chatId, authorId, seq, body, clientId, createdAt, editedAt, deletedAt, attachments };
}
