import { Field, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class PresenceEvent {
  /** Resolved into `user` by the resolver. */
  userId!: string;

  @Field(() => Boolean)
  isOnline!: boolean;

  @Field(() => Date, { nullable: true })
  lastSeenAt!: Date | null;
}
