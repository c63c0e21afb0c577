import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../server/context';
import { Friendship } from '../friendships/friendship.type';
import { User } from './user.type';

@Resolver(() => User)
export class UserFriendshipResolver {
  @FieldResolver(() => Friendship, { nullable: true, description: "The viewer's relationship to this user." })
  friendship(@Root() user: User, @Ctx() context: Context): Promise<Friendship | null> {
    return context.loaders.friendshipWith.load(user.id);
  }
}
