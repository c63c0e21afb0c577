import { jsonTimestamp } from '../../db/sql';
import type { UserRecord } from './user.type';

/** A user's public columns as a JSON object, from the row aliased `alias` (see UserRecord). */
export const USER_JSON = (alias: string) => `json_build_object('id', ${alias}."id", 'username', ${alias}."username",
  'displayName', ${alias}."displayName", 'bio', ${alias}."bio", 'avatarUrl', ${alias}."avatarUrl", 'avatarKey', ${alias}."avatarKey",
  'createdAt', ${alias}."createdAt", 'lastSeenAt', ${alias}."lastSeenAt", 'email', ${alias}."email",
  'emailVerifiedAt', ${alias}."emailVerifiedAt", 'deletedAt', ${alias}."deletedAt")`;

/** A user read as JSON (USER_JSON), its timestamps as Dates again. */
export function userFromJson(user: UserRecord): UserRecord {
  return {
    ...user,
    createdAt: jsonTimestamp(user.createdAt),
    lastSeenAt: jsonTimestamp(user.lastSeenAt),
    emailVerifiedAt: jsonTimestamp(user.emailVerifiedAt),
    deletedAt: jsonTimestamp(user.deletedAt),
  };
}
