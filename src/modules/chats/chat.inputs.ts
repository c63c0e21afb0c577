import { ArrayMaxSize, IsString, Length, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsName } from '../../server/names';
import { CHAT_NAME_MAX, MAX_CHAT_MEMBERS } from './chat.type';

@InputType()
export class CreateGroupChatInput {
  @Field(() => String, { description: `1-${CHAT_NAME_MAX} characters.` })
  @Length(1, CHAT_NAME_MAX, { message: `name must be 1-${CHAT_NAME_MAX} characters` })
  @IsName()
  name!: string;

  @Field(() => [ID], { description: `Other members; the creator joins as OWNER. At most ${MAX_CHAT_MEMBERS} members in all.` })
  @ArrayMaxSize(MAX_CHAT_MEMBERS - 1, { message: `a chat has at most ${MAX_CHAT_MEMBERS} members` })
  @IsString({ each: true })
  @MaxLength(64, { each: true, message: 'memberIds must be user ids' })
  memberIds!: string[];
}
