import { Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { SAME_FOR_EVERY_VIEWER } from '../../server/live-execution';
import type { FileLinks } from '../files/file-links';
import { User } from './user.type';

@Resolver(() => User)
export class UserAvatarResolver {
  constructor(private readonly links: FileLinks) {}

  /** An uploaded picture is served through a signed link that works longer than other files' (AVATAR_URL_TTL). */
  @Extensions(SAME_FOR_EVERY_VIEWER)
  @FieldResolver(() => String, { nullable: true })
  avatarUrl(@Root() user: User): string | null | Promise<string> {
    return user.avatarKey ? this.links.file(user.avatarKey, null, 'avatar') : user.avatarUrl;
  }
}
