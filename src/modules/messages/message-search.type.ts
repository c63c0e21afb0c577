import { Field, ObjectType } from 'type-graphql';
import { PageInfo } from '../../server/relay';
import { Message } from './message.type';

@ObjectType({ simpleResolvers: true })
export class MessageSearchEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Message)
  node!: Message;

  @Field(() => String, {
    description: 'The body with the matched words wrapped in <mark></mark>, everything else HTML-escaped, cut to about 200 characters around the first match.',
  })
  highlight!: string;
}

@ObjectType({ simpleResolvers: true })
export class MessageSearchConnection {
  @Field(() => [MessageSearchEdge])
  edges!: MessageSearchEdge[];

  @Field(() => [Message])
  nodes!: Message[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
