import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { Friendship as FriendshipRow } from '../../generated/prisma/client';
import { FriendshipStatus } from '../../generated/prisma/enums';
import { Node } from '../../server/node';
import { ConnectionType } from '../../server/relay';

registerEnumType(FriendshipStatus, {
  name: 'FriendshipStatus',
  valuesConfig: {
    OUTGOING: { description: 'Sent by the viewer, not yet answered.' },
    INCOMING: { description: 'Sent to the viewer, not yet answered.' },
    BLOCKED: { description: 'The viewer blocked the other user. Blocked users cannot message or befriend the viewer.' },
  },
});

export { FriendshipStatus };

@ObjectType({ simpleResolvers: true, implements: Node, description: 'A relationship as the viewer sees it.' })
export class Friendship implements Node {
  @Field(() => ID)
  id!: string;

  /** Resolved into `user` by the resolver. */
  otherUserId!: string;

  @Field(() => FriendshipStatus)
  status!: FriendshipStatus;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class FriendshipConnection extends ConnectionType(Friendship) {}

export const friendshipColumns = {
  id: true,
  otherUserId: true,
  status: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Partial<Record<keyof FriendshipRow, true>>;

