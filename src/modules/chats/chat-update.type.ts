import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { ChatEventKind as ChatEventKindName } from '../../realtime/topics';

export const ChatEventKind = {
  CREATED: 'CREATED',
  RENAMED: 'RENAMED',
  MEMBERS_ADDED: 'MEMBERS_ADDED',
  MEMBER_REMOVED: 'MEMBER_REMOVED',
  MEMBER_LEFT: 'MEMBER_LEFT',
  ROLE_CHANGED: 'ROLE_CHANGED',
} as const satisfies Record<ChatEventKindName, ChatEventKindName>;

registerEnumType(ChatEventKind, { name: 'ChatEventKind' });

@ObjectType({ simpleResolvers: true, description: 'A chat created, renamed or changed in membership.' })
export class ChatUpdate {
  @Field(() => ChatEventKind)
  kind!: ChatEventKindName;

  /** Resolved into `chat`, `users` and `actor` by the resolver. */
  chatId!: string;

  userIds!: string[];

  actorId!: string;

  @Field(() => Date)
  at!: Date;
}

@ObjectType({ simpleResolvers: true })
export class TypingEvent {
  /** Resolved into `chat` and `user` by the resolver. */
  chatId!: string;

  userId!: string;

  @Field(() => Boolean)
  isTyping!: boolean;

  @Field(() => Date)
  at!: Date;
}
