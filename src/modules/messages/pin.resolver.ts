import { Arg, Authorized, ID, Mutation, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import { Message } from './message.type';
import type { PinService } from './pin.service';

@Resolver()
export class PinResolver {
  constructor(private readonly pinService: PinService) {}

  @Authorized()
  @Mutation(() => Message, {
    description: 'Private chats: either member; groups: OWNER and ADMIN. At most 100 pinned messages per chat. Publishes messageUpdated.',
  })
  pinMessage(@Arg('messageId', () => ID) messageId: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.pinService.pin(viewer.userId, messageId);
  }

  @Authorized()
  @Mutation(() => Message)
  unpinMessage(@Arg('messageId', () => ID) messageId: string, @CurrentUser() viewer: Viewer): Promise<Message> {
    return this.pinService.unpin(viewer.userId, messageId);
  }
}
