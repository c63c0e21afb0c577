import type DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { jsonTimestamp } from '../../db/sql';
import { selectedPaths } from '../../server/selection';
import type { MessageKey } from '../messages/message.loaders';
import { fromJsonTimestamps, type MessageRow } from '../messages/message.sql';
import { type Message, toMessage } from '../messages/message.type';
import { userFromJson } from '../users/user.sql';
import { toUser, type User, type UserRecord } from '../users/user.type';
import type { ChatListWants } from './chat.sql';
import type { Chat, ChatMember } from './chat.type';

/** A row of CHAT_LIST: the chat, its activity as of the page's snapshot, and the rest as JSON. */
export interface ChatListRow extends Chat {
  activity: Date;
  /** When the viewer pinned it, as of the snapshot; an invalid Date (-infinity) when not pinned. */
  pinned: Date;
  /** The viewer's unread mentions, when selected. */
  unreadMentions: number | null;
  viewerMember: ChatMember;
  lastMessage: (MessageRow & { author: UserRecord | null }) | null;
  members: { member: ChatMember; user: UserRecord | null }[] | null;
}

/** The request's loaders that a chat list page fills, so that its fields cost no statement of their own. */
export interface ChatPageLoaders {
  viewerMembership: DataLoader<string, ChatMember | null>;
  chatMembers: DataLoader<string, ChatMember[]>;
  messageBySeq: DataLoader<MessageKey, Message | null, string>;
  user: DataLoader<string, User | null>;
  unreadMentions: DataLoader<string, number>;
}

/** What of each chat the operation selected, read with the page instead of field by field. */
export function chatListWants(info: GraphQLResolveInfo): ChatListWants {
  const selected = selectedPaths(info);
  return {
    lastMessage: selected.has('lastMessage'),
    lastMessageAuthor: selected.has('lastMessage.author'),
    members: selected.has('members'),
    memberUsers: selected.has('members.user'),
    unreadMentionCount: selected.has('unreadMentionCount'),
  };
}

export function primeChatPage(loaders: ChatPageLoaders, row: ChatListRow, viewerId: string): void {
  loaders.viewerMembership.prime(row.id, memberFromJson(row.viewerMember));
  if (row.unreadMentions !== null) loaders.unreadMentions.prime(row.id, row.unreadMentions);
  if (row.lastMessage) {
    const { author, ...message } = row.lastMessage;
    loaders.messageBySeq.prime({ chatId: row.id, seq: message.seq }, toMessage(fromJsonTimestamps(message)));
    if (author) loaders.user.prime(author.id, toUser(userFromJson(author), viewerId));
  }
  if (row.members) {
    loaders.chatMembers.prime(row.id, row.members.map(({ member }) => memberFromJson(member)));
    for (const { user } of row.members) if (user) loaders.user.prime(user.id, toUser(userFromJson(user), viewerId));
  }
}

function memberFromJson(member: ChatMember): ChatMember {
  return { ...member, joinedAt: jsonTimestamp(member.joinedAt), mutedUntil: jsonTimestamp(member.mutedUntil), pinnedAt: jsonTimestamp(member.pinnedAt) };
}
