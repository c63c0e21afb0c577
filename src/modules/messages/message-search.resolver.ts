import { Arg, Authorized, ID, Int, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { MessageSearchService } from './message-search.service';
import { MessageSearchConnection } from './message-search.type';

@Resolver()
export class MessageSearchResolver {
  constructor(private readonly searchService: MessageSearchService) {}

  @Authorized()
  @Query(() => MessageSearchConnection, {
    description:
      'Messages of the viewer\'s chats (or of one chat) that contain every word of `query`, ignoring\ncase and accents, the last word also as a prefix ("deploy" finds "deployment"). Newest first.\nDeleted messages and messages the viewer cleared are never found. `query`: 1-200 characters.',
  })
  searchMessages(
    @Arg('query', () => String) query: string,
    @Arg('chatId', () => ID, { nullable: true }) chatId: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<MessageSearchConnection> {
    return this.searchService.search(viewer.userId, { query, chatId, first, after });
  }
}
