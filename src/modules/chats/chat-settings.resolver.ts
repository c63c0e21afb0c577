import { Arg, Authorized, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { ChatSettingsService } from './chat-settings.service';
import { ChatMember } from './chat.type';
import { UnreadSummary } from './unread.type';

/** Each member's own view of a chat, and the badge numbers it makes. */
@Resolver()
export class ChatSettingsResolver {
  constructor(private readonly settings: ChatSettingsService) {}

  @Authorized()
  @Query(() => UnreadSummary)
  unreadSummary(@CurrentUser() viewer: Viewer): Promise<UnreadSummary> {
    return this.settings.unreadSummary(viewer.userId);
  }

  @Authorized()
  @Mutation(() => ChatMember, {
    description: "Mutes the chat for the viewer until the given instant (null unmutes). A muted chat leaves the unread summary's chats and messages.",
  })
  muteChat(@Arg('chatId', () => ID) chatId: string, @Arg('until', () => Date, { nullable: true }) until: Date | null, @CurrentUser() viewer: Viewer): Promise<ChatMember> {
    return this.settings.mute(viewer.userId, chatId, until);
  }

  @Authorized()
  @Mutation(() => ChatMember)
  archiveChat(@Arg('chatId', () => ID) chatId: string, @Arg('archived', () => Boolean) archived: boolean, @CurrentUser() viewer: Viewer): Promise<ChatMember> {
    return this.settings.archive(viewer.userId, chatId, archived);
  }

  @Authorized()
  @Mutation(() => ChatMember, { description: 'Pinned chats come first in chats, most recently pinned first; at most 10 per user.' })
  pinChat(@Arg('chatId', () => ID) chatId: string, @Arg('pinned', () => Boolean) pinned: boolean, @CurrentUser() viewer: Viewer): Promise<ChatMember> {
    return this.settings.pin(viewer.userId, chatId, pinned);
  }

  @Authorized()
  @Mutation(() => ChatMember, {
    description:
      'Hides every message up to the chat\'s lastSeq from the viewer\'s history and search (others keep\ntheirs), and marks them read. With hide: true the chat also leaves the viewer\'s chat list until\nits next message (deleting a private conversation).',
  })
  clearChatHistory(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('hide', () => Boolean, { nullable: true, defaultValue: false }) hide: boolean,
    @CurrentUser() viewer: Viewer,
  ): Promise<ChatMember> {
    return this.settings.clearHistory(viewer.userId, chatId, hide ?? false);
  }
}
