import { Field, ID, ObjectType } from 'type-graphql';
import type { User as UserRow } from '../../generated/prisma/client';
import { Node } from '../../server/node';
import { ConnectionType } from '../../server/relay';

@ObjectType({ simpleResolvers: true, implements: Node })
export class User implements Node {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  username!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  bio!: string | null;

  /** A link to a picture kept elsewhere; `avatarUrl` (see AvatarResolver) signs a link to avatarKey instead when the picture is an upload. */
  avatarUrl!: string | null;

  avatarKey!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastSeenAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Only on the viewer's own User; null for everyone else." })
  email!: string | null;

  @Field(() => Boolean, { nullable: true, description: "Only on the viewer's own User; null for everyone else." })
  emailVerified!: boolean | null;

  @Field(() => Boolean, { description: "True once the account was deleted: username 'deleted-…', no profile." })
  deleted!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class UserConnection extends ConnectionType(User) {}

/** The columns a User is made of; never the password hash. */
export const userColumns = {
  id: true,
  username: true,
  displayName: true,
  bio: true,
  avatarUrl: true,
  avatarKey: true,
  createdAt: true,
  lastSeenAt: true,
  email: true,
  emailVerifiedAt: true,
  deletedAt: true,
} as const satisfies Partial<Record<keyof UserRow, true>>;

export type UserRecord = Pick<UserRow, keyof typeof userColumns>;

/** The one mapping from a row to the API's User, as `viewerId` may see it. */
export function toUser(row: UserRecord, viewerId: string | null): User {
  const { emailVerifiedAt, deletedAt, ...user } = row;
  const own = row.id === viewerId;
  return { ...user, email: own ? row.email : null, emailVerified: own ? emailVerifiedAt !== null : null, deleted: deletedAt !== null };
}
