import { Arg, Authorized, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { Viewer } from '../../auth/authenticator';
import { CurrentUser } from '../../auth/auth-checker';
import { BadInputError } from '../../errors/errors';
import type { Connection } from '../../server/relay';
import { UpdateProfileInput } from './user.inputs';
import type { UserService } from './user.service';
import { User, UserConnection } from './user.type';

@Resolver(() => User)
export class UserResolver {
  constructor(private readonly userService: UserService) {}

  @Authorized()
  @Query(() => User)
  me(@CurrentUser() viewer: Viewer): Promise<User> {
    return this.userService.me(viewer.userId);
  }

  @Authorized()
  @Query(() => User, { nullable: true, description: 'By id or by username (ignoring case): give exactly one.' })
  user(
    @Arg('id', () => ID, { nullable: true }) id: string | null,
    @Arg('username', () => String, { nullable: true }) username: string | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<User | null> {
    if ((id == null) === (username == null)) throw new BadInputError('id', 'Give either id or username.');
    return id != null ? this.userService.byId(viewer.userId, id) : this.userService.byUsername(viewer.userId, username!);
  }

  @Authorized()
  @Query(() => UserConnection, { description: 'Users whose username or display name contains the search text, ignoring case.' })
  users(
    @Arg('search', () => String, { nullable: true }) search: string | null,
    @Arg('first', () => Int, { nullable: true }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @CurrentUser() viewer: Viewer,
  ): Promise<Connection<User>> {
    return this.userService.search(viewer.userId, { search, first, after });
  }

  @Authorized()
  @Mutation(() => User)
  updateProfile(@Arg('input', () => UpdateProfileInput) input: UpdateProfileInput, @CurrentUser() viewer: Viewer): Promise<User> {
    return this.userService.updateProfile(viewer.userId, input);
  }
}
