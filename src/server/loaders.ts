import type DataLoader from 'dataloader';
import { NotFoundError } from '../errors/errors';
import type { PrismaClient } from '../generated/prisma/client';
import { chatLoader, chatMembersLoader, viewerMembershipLoader } from '../modules/chats/chat.loaders';
import { uploadLoader } from '../modules/files/upload.loaders';
import { friendshipWithLoader } from '../modules/friendships/friendship.loaders';
import { messageBySeqLoader, messageLoader, reactionsLoader, reactorsLoader } from '../modules/messages/message.loaders';
import { unreadMentionsLoader } from '../modules/chats/chat.loaders';
import type { Sql } from '../db/sql';
import { onlineLoader, userLoader } from '../modules/users/user.loaders';
import type { Realtime } from '../realtime/realtime';

export type Loaders = ReturnType<typeof createLoaders>;

/** Fresh per operation: nothing cached here outlives it, so no user's data reaches another's request. */
export function createLoaders({ prisma, sql, realtime }: { prisma: PrismaClient; sql: Sql; realtime: Realtime }, viewerId: () => Promise<string | null>) {
  return {
    online: onlineLoader(realtime.presence),
    user: userLoader(prisma, viewerId),
    chat: chatLoader(prisma),
    chatMembers: chatMembersLoader(prisma),
    viewerMembership: viewerMembershipLoader(prisma, viewerId),
    messageBySeq: messageBySeqLoader(prisma),
    message: messageLoader(prisma),
    reactions: reactionsLoader(sql, viewerId),
    reactors: reactorsLoader(prisma),
    unreadMentions: unreadMentionsLoader(sql, viewerId),
    friendshipWith: friendshipWithLoader(prisma, viewerId),
    upload: uploadLoader(prisma),
  };
}

/** A row another visible row points at (a message's author, a member's user): it must exist. */
export async function loadExisting<TValue>(loader: DataLoader<string, TValue | null>, id: string, what: string): Promise<TValue> {
  const value = await loader.load(id);
  if (!value) throw new NotFoundError(what);
  return value;
}
