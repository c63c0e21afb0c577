import { Field, Int, ObjectType } from 'type-graphql';

/** An app's badge numbers. */
@ObjectType({ simpleResolvers: true })
export class UnreadSummary {
  @Field(() => Int, { description: 'Chats with unread messages, muted ones left out.' })
  chats!: number;

  @Field(() => Int, { description: 'Unread messages across those chats.' })
  messages!: number;

  @Field(() => Int, { description: 'Unread mentions across all chats, muted ones included.' })
  mentions!: number;
}
