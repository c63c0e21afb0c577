import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class DataExport {
  @Field(() => String, {
    description: "A JSON file of everything the viewer's account holds (profile, sessions, friendships, chats, own messages and uploads' metadata).",
  })
  url!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Int)
  sizeBytes!: number;
}
