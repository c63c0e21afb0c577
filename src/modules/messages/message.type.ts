import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Attachment as AttachmentRow, Message as MessageRow } from '../../generated/prisma/client';
import type { Chat } from '../chats/chat.type';
import type { User, UserRecord } from '../users/user.type';
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

  /** Resolved into `replyTo` and `pinnedBy` by the resolver. */
  replyToId!: string | null;

  @Field(() => Date, { nullable: true })
  pinnedAt!: Date | null;

  pinnedById!: string | null;

  /** Whom it mentions, in the order named: resolved into `mentions`. */
  mentionIds!: string[];

  /** The author and chat when read with the message (a page, a live event): `author` and `chat` then cost no query. */
  sentBy?: User;

  sentIn?: Chat;

  /**
   * Read along with the message (a history page, a live event), so that their fields cost no
   * statement of their own; absent when they were not, and the field resolvers load them. Users
   * are kept as records and shown to each viewer by the resolvers (an email only to its owner).
   */
  extras?: MessageExtras;
}

/** What a message refers to beyond its row, read with it when wanted (see `Message.extras`). */
export interface MessageExtras {
  /** The viewer they were read for (a page): the resolvers show them to that viewer at once. */
  viewerId?: string;
  /** Every user they refer to, by id, as `viewerId` sees them (a page): the fields that name users show them from here. */
  people?: ReadonlyMap<string, User>;
  /** The message it answers (with its author), null when none; absent: not read. */
  replied?: { message: Message; author: UserRecord } | null;
  /** The users it mentions, in the order the sender named them. */
  mentioned?: UserRecord[];
  /** Its reactions, one entry per emoji in first-use order. */
  reactions?: ReactionSummary[];
}

/**
 * One emoji's reactions to a message: `userIds` in the order they reacted, every one of them (a
 * live event) or the first few (a page, which then says whether the viewer is among them).
 */
export interface ReactionSummary {
  emoji: string;
  count: number;
  userIds: string[];
  viewerReacted?: boolean;
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

/** A message's own columns, as the API's Message and every statement that reads one take them. */
export const messageColumns = {
  id: true,
  chatId: true,
  authorId: true,
  seq: true,
  body: true,
  clientId: true,
  createdAt: true,
  editedAt: true,
  deletedAt: true,
  replyToId: true,
  pinnedAt: true,
  pinnedById: true,
  mentionIds: true,
} as const satisfies Partial<Record<keyof MessageRow, true>>;

/** What a Message is read with: its columns and its attachments, in order. */
export const messageSelect = {
  ...messageColumns,
  attachments: { select: attachmentColumns, orderBy: { position: 'asc' } },
} as const;

type MessageColumn = keyof typeof messageColumns;

export type MessageRecord = Pick<MessageRow, MessageColumn> & {
  attachments: Pick<AttachmentRow, keyof typeof attachmentColumns>[];
};

/** The one mapping from a stored message to the API's Message. */
export function toMessage(row: MessageRecord): Message {
  const { id, chatId, authorId, seq, body, clientId, createdAt, editedAt, deletedAt, replyToId, pinnedAt, pinnedById, mentionIds, attachments } = row;
  return { id, chatId, authorId, seq, body, clientId, createdAt, editedAt, deletedAt, replyToId, pinnedAt, pinnedById, mentionIds, attachments };
}
