import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Chat as ChatRow, ChatMember as ChatMemberRow } from '../../generated/prisma/client';
import { ChatKind, ChatRole } from '../../generated/prisma/enums';
import { Node } from '../../server/node';
import { ConnectionType } from '../../server/relay';

registerEnumType(ChatKind, { name: 'ChatKind' });
registerEnumType(ChatRole, { name: 'ChatRole' });

export { ChatKind, ChatRole };

/** At most this many members in a chat, the owner included. */
export const MAX_CHAT_MEMBERS = 1000;
export const CHAT_NAME_MAX = 64;

@ObjectType({ simpleResolvers: true })
export class ChatMember {
  /** Resolved into `user` by the resolver. */
  userId!: string;

  chatId!: string;

  @Field(() => ChatRole)
  role!: ChatRole;

  @Field(() => Date)
  joinedAt!: Date;

  @Field(() => Int, { description: 'Highest seq this member has read (0 when none).' })
  lastReadSeq!: number;

  @Field(() => Int, { description: "Highest seq delivered to one of this member's clients (0 when none)." })
  lastDeliveredSeq!: number;

  /** The member's own view of the chat: shown to them alone (see ChatMemberFieldsResolver). */
  mutedUntil!: Date | null;

  archived!: boolean;

  pinnedAt!: Date | null;

  /** clearChatHistory: their history starts after this seq; hidden, the chat stays out of their list until a message comes past it. */
  clearedSeq!: number;

  hidden!: boolean;
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class Chat implements Node {
  @Field(() => ID)
  id!: string;

  @Field(() => ChatKind)
  kind!: ChatKind;

  @Field(() => String, { nullable: true, description: 'Group name; null for private chats (clients show the other member).' })
  name!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { description: 'Time of the latest message, or of creation when there is none.' })
  lastActivityAt!: Date;

  @Field(() => Int, { description: 'seq of the latest message (0 when none).' })
  lastSeq!: number;
}

@ObjectType({ simpleResolvers: true })
export class ChatConnection extends ConnectionType(Chat) {}

export const chatColumns = {
  id: true,
  kind: true,
  name: true,
  createdAt: true,
  lastActivityAt: true,
  lastSeq: true,
} as const satisfies Partial<Record<keyof ChatRow, true>>;

export const chatMemberColumns = {
  chatId: true,
  userId: true,
  role: true,
  joinedAt: true,
  lastReadSeq: true,
  lastDeliveredSeq: true,
  mutedUntil: true,
  archived: true,
  pinnedAt: true,
  clearedSeq: true,
  hidden: true,
} as const satisfies Partial<Record<keyof ChatMemberRow, true>>;
