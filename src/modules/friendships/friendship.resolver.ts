import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import type { Context } from '../../server/context';
import { loadExisting } from '../../server/loaders';
import type { Connection } from '../../server/relay';
import { User } from '../users/user.type';
import type { FriendshipService } from './friendship.service';
import { Friendship, FriendshipConnection, FriendshipStatus } from './friendship.type';

@Resolver(() => Friendship)
export class FriendshipResolver {
  constructor(private readonly friendshipService: FriendshipService) {}

  @Authorized()
  @Query(() => FriendshipConnection, { description: "The viewer's friends, requests and blocks, most recently changed first." })
  friendships(
    @Arg('status', () => FriendshipStatus, { nullable: true }) status: FriendshipStatus | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<Connection<Friendship>> {
    return this.friendshipService.list(viewer.userId, { status, first, after });
  }

  @Authorized()
  @Mutation(() => Friendship, { description: 'Sends a friend request; accepts the one that user already sent the viewer.' })
  sendFriendRequest(@Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<Friendship> {
    return this.friendshipService.sendRequest(viewer.userId, userId);
  }

  @Authorized()
  @Mutation(() => Friendship, {
    nullable: true,
    description: 'Accepting a request the viewer received makes both sides ACCEPTED; declining removes it.',
  })
  respondToFriendRequest(
    @Arg('friendshipId', () => ID) friendshipId: string,
    @Arg('accept', () => Boolean) accept: boolean,
    @CurrentUser() viewer: Viewer,
  ): Promise<Friendship | null> {
    return this.friendshipService.respond(viewer.userId, friendshipId, accept);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'Removes a friend or withdraws a request.' })
  removeFriend(@Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.friendshipService.remove(viewer.userId, userId);
  }

  @Authorized()
  @Mutation(() => Friendship, { description: 'Ends any friendship or request with that user and blocks them.' })
  blockUser(@Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<Friendship> {
    return this.friendshipService.block(viewer.userId, userId);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'False when the viewer had not blocked that user.' })
  unblockUser(@Arg('userId', () => ID) userId: string, @CurrentUser() viewer: Viewer): Promise<boolean> {
    return this.friendshipService.unblock(viewer.userId, userId);
  }

  @FieldResolver(() => User, { description: "The other user, from the viewer's side." })
  async user(@Root() friendship: Friendship, @Ctx() context: Context): Promise<User> {
    return loadExisting(context.loaders.user, friendship.otherUserId, 'User');
  }
}
