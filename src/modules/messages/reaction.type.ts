import { Field, Int, ObjectType } from 'type-graphql';
import type { User } from '../users/user.type';
import type { ReactionSummary } from './message.type';

/** One emoji's reactions to a message, as the viewer sees them. */
@ObjectType({ simpleResolvers: true })
export class ReactionGroup {
  /** Resolved with `userIds` into `users` by the resolver. */
  messageId!: string;

  @Field(() => String, { description: 'One emoji (a single Unicode emoji, skin tones and sequences included).' })
  emoji!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Boolean)
  reactedByViewer!: boolean;

  /** The reactors read with it, earliest first: every one, or the first few. */
  userIds!: string[];

  /** Whom `users` is shown to, and the reactors' records when they were read along (a page). */
  viewerId!: string;

  people?: ReadonlyMap<string, User>;
}

/** The one mapping from what was read of an emoji's reactions to the viewer's ReactionGroup. */
export function toReactionGroup(messageId: string, summary: ReactionSummary, viewerId: string, people?: ReadonlyMap<string, User>): ReactionGroup {
  const { emoji, count, userIds, viewerReacted } = summary;
  return { messageId, emoji, count, userIds, reactedByViewer: viewerReacted ?? userIds.includes(viewerId), viewerId, people };
}
