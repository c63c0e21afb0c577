import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import type { Connection } from '../../server/relay';
import type { ChatMemberService } from './chat-members.service';
import { chatListWants } from './chat-page';
import { CreateGroupChatInput } from './chat.inputs';
import type { ChatService } from './chat.service';
import { Chat, ChatConnection, ChatMember, ChatRole } from './chat.type';

@Resolver(() => Chat)
export class ChatResolver {
  constructor(
    private readonly chatService: ChatService,
    private readonly memberService: ChatMemberService,
  ) {}

  @Authorized()
  @Query(() => ChatConnection, {
    description:
      "The viewer's chats: pinned ones first, then most recent activity first. Archived chats only with archived: true; chats hidden by clearChatHistory(hide: true) until their next message.",
  })
  chats(
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('archived', () => Boolean, { nullable: true, defaultValue: false }) archived: boolean | null,
    @CurrentUser() viewer: Viewer,
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Connection<Chat>> {
    return this.chatService.list(viewer.userId, { first, after, archived }, chatListWants(info), context.loaders);
  }

  @Authorized()
  @Query(() => Chat, { nullable: true, description: 'Null for a chat the viewer is not in.' })
  chat(@Arg('id', () => ID) id: string, @CurrentUser() viewer: Viewer): Promise<Chat | null> {
    return this.chatService.get(viewer.userId, id);
  }

  @Authorized()
  @Mutation(() => Chat, { description: 'Returns the existing private chat with that user or creates it.' })
  openPrivateChat(@Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<Chat> {
    return this.chatService.openPrivate(viewer.userId, userId);
  }

  @Authorized()
  @Mutation(() => Chat)
  createGroupChat(@Arg('input', () => CreateGroupChatInput) input: CreateGroupChatInput, @CurrentUser() viewer: Viewer): Promise<Chat> {
    return this.chatService.createGroup(viewer.userId, input);
  }

  @Authorized()
  @Mutation(() => Chat, { description: 'Owner and admins; groups only.' })
  renameChat(@Arg('chatId', () => ID) chatId: string, @Arg('name', () => String) name: string, @CurrentUser() viewer: Viewer): Promise<Chat> {
    return this.chatService.rename(viewer.userId, chatId, name);
  }

  @Authorized()
  @Mutation(() => Chat, { description: 'Owner and admins; groups only. Users already in the chat are left as they are.' })
  async addChatMembers(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('userIds', () => [ID]) userIds: string[],
    @CurrentUser() viewer: Viewer,
  ): Promise<Chat> {
    return (await this.memberService.add(viewer.userId, chatId, userIds)).chat;
  }

  @Authorized()
  @Mutation(() => Chat, { description: 'The owner removes admins and members; admins remove members.' })
  removeChatMember(@Arg('chatId', () => ID) chatId: string, @Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<Chat> {
    return this.memberService.remove(viewer.userId, chatId, userId);
  }

  @Authorized()
  @Mutation(() => ChatMember, { description: 'Owner only. Making a member OWNER hands ownership over; the old owner becomes ADMIN.' })
  setChatMemberRole(
    @Arg('chatId', () => ID) chatId: string,
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => ChatRole) role: ChatRole,
    @CurrentUser() viewer: Viewer,
  ): Promise<ChatMember> {
    return this.memberService.setRole(viewer.userId, chatId, userId, role);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Groups only. A leaving owner hands ownership to the longest-standing admin, else member.' })
  async leaveChat(@Arg('chatId', () => ID) chatId: string, @CurrentUser() viewer: Viewer): Promise<boolean> {
    await this.memberService.leave(viewer.userId, chatId);
    return true;
  }
}
