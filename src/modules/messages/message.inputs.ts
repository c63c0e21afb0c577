import { ArrayMaxSize, IsInt, IsOptional, Length, Matches, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { IsHttpUrl } from '../../server/validation';

export const BODY_MAX = 4000;
export const MAX_ATTACHMENTS = 10;

@InputType()
export class AttachmentInput {
  @Field(() => String, { description: 'http(s) URL of an already uploaded file.' })
  @IsHttpUrl({ message: 'attachment url must be an http(s) URL' })
  url!: string;

  @Field(() => String, { nullable: true })
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
}
