import type { Chat } from '../modules/chats/chat.type';
import type { Message, ReadReceipt } from '../modules/messages/message.type';
import type { UserRecord } from '../modules/users/user.type';

export type ChatEventKind = 'CREATED' | 'RENAMED' | 'MEMBERS_ADDED' | 'MEMBER_REMOVED' | 'MEMBER_LEFT' | 'ROLE_CHANGED';

export interface MessageEvent {
  chatId: string;
  message: Message;
}

export interface MessageAddedEvent extends MessageEvent {
  /** What every receiver may select with a new message, as the send left it: read once, not per receiver. */
  author: UserRecord;
  chat: Chat;
}

export interface ReceiptEvent {
  chatId: string;
  receipt: ReadReceipt;
}

export interface TypingSignal {
  chatId: string;
  userId: string;
  isTyping: boolean;
  at: Date;
}

export interface PresenceSignal {
  userId: string;
  isOnline: boolean;
  lastSeenAt: Date | null;
}

export interface ChatUpdateEvent {
  kind: ChatEventKind;
  chatId: string;
  /** The members the event concerns (added, removed, left, role changed). */
  userIds: string[];
  actorId: string;
  at: Date;
  /** Everyone in the chat after the event; with `userIds`, everyone who is told. */
  memberIds: string[];
}

/** Sessions whose sockets must close now: logged out, or found using a stolen refresh token. */
export interface SessionRevocation {
  userId: string;
  /** Only these sessions; all of the user's when absent. */
  sessionIds?: string[];
  /** All of the user's sessions but this one. */
  exceptSessionId?: string;
}

export interface FriendshipChange {
  userIds: [string, string];
}

/** Every event that travels between instances, and its payload. Published after the write commits. */
export interface Topics {
  'message.added': [MessageAddedEvent];
  'message.updated': [MessageEvent];
  'receipt.updated': [ReceiptEvent];
  typing: [TypingSignal];
  presence: [PresenceSignal];
  'chat.updated': [ChatUpdateEvent];
  'session.revoked': [SessionRevocation];
  'friendship.changed': [FriendshipChange];
}

export type Topic = keyof Topics;

/** What services publish through: fire and forget, never failing the write that already committed. */
export interface EventPublisher {
  publish<TTopic extends Topic>(topic: TTopic, payload: Topics[TTopic][0]): void;
  /** Several events of one topic as one bus message (one Redis publish, not one each); listeners still hear them one by one, in order. */
  publishAll<TTopic extends Topic>(topic: TTopic, payloads: Topics[TTopic][0][]): void;
}
