import { Arg, Authorized, ID, Mutation, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import { Message } from './message.type';
import type { ReactionService } from './reaction.service';

@Resolver()
export class ReactionResolver {
  constructor(private readonly reactionService: ReactionService) {}

  @Authorized()
  @Mutation(() => Message, {
    description: "Adds the viewer's reaction (one per emoji per user; at most 20 different emoji per message). Publishes messageUpdated.",
  })
  addReaction(@Arg('messageId', () => ID) messageId: string, @Arg('emoji', () => String) emoji: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.reactionService.add(viewer.userId, messageId, emoji);
  }

  @Authorized()
  @Mutation(() => Message, { description: 'Publishes messageUpdated when a reaction was removed.' })
  removeReaction(@Arg('messageId', () => ID) messageId: string, @Arg('emoji', () => String) emoji: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.reactionService.remove(viewer.userId, messageId, emoji);
  }
}
