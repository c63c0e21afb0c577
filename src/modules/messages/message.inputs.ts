import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { IsHttpUrl } from '../../server/validation';

export const BODY_MAX = 4000;
export const MAX_ATTACHMENTS = 10;
export const MAX_MENTIONS = 50;

@InputType()
export class AttachmentInput {
  @Field(() => ID, { nullable: true, description: "A READY upload of the sender's (see requestUpload). Give either uploadId or url." })
  @IsOptional()
  @MaxLength(64)
  uploadId?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) link to a file kept elsewhere. Give either uploadId or url.' })
  @IsOptional()
  @IsHttpUrl({ message: 'attachment url must be an http(s) URL' })
  url?: string | null;

  @Field(() => String, { nullable: true, description: "For a link; an upload's name, type and size are its own." })
  @IsOptional()
  @MaxLength(255)
  name?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(255)
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mimeType must look like type/subtype' })
  mimeType?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0, { message: 'sizeBytes must not be negative' })
  sizeBytes?: number | null;
}

@InputType()
export class SendMessageInput {
  @Field(() => ID)
  chatId!: string;

  @Field(() => String, { nullable: true, description: `1-${BODY_MAX} characters after trimming, unless attachments are given.` })
  @IsOptional()
  @MaxLength(BODY_MAX * 4, { message: `body must be at most ${BODY_MAX} characters` })
  body?: string | null;

  @Field(() => [AttachmentInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(MAX_ATTACHMENTS, { message: `at most ${MAX_ATTACHMENTS} attachments per message` })
  @ValidateNested()
  attachments?: AttachmentInput[] | null;

  @Field(() => String, { nullable: true, description: 'Client-chosen idempotency key (1-64 characters), unique per author.' })
  @IsOptional()
  @Length(1, 64, { message: 'clientId must be 1-64 characters' })
  clientId?: string | null;

  @Field(() => ID, { nullable: true, description: 'A message of the same chat that this one answers.' })
  @IsOptional()
  @MaxLength(64)
  replyToId?: string | null;

  @Field(() => [ID], {
    nullable: true,
    description: `Members of the chat this message mentions (at most ${MAX_MENTIONS}); they count it in their unreadMentionCount.`,
  })
  @IsOptional()
  @ArrayMaxSize(MAX_MENTIONS, { message: `at most ${MAX_MENTIONS} mentions per message` })
  @MaxLength(64, { each: true })
  mentionUserIds?: string[] | null;
}
