import { IsOptional, MaxLength } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsName } from '../../server/names';
import { IsHttpUrl } from '../../server/validation';

export const DISPLAY_NAME_MAX = 64;
export const BIO_MAX = 500;

@InputType({ description: 'Omitted fields stay as they are; null clears a field.' })
export class UpdateProfileInput {
  @Field(() => String, { nullable: true, description: `Up to ${DISPLAY_NAME_MAX} characters; blank clears it.` })
  @IsOptional()
  @MaxLength(DISPLAY_NAME_MAX)
  @IsName()
  displayName?: string | null;

  @Field(() => String, { nullable: true, description: `Up to ${BIO_MAX} characters; blank clears it.` })
  @IsOptional()
  @MaxLength(BIO_MAX)
  bio?: string | null;

  @Field(() => String, { nullable: true, description: 'An http(s) URL of at most 2048 characters. Setting avatarUrl to null removes the picture.' })
  @IsOptional()
  @IsHttpUrl()
  avatarUrl?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "A READY AVATAR upload of the viewer's; its image becomes avatarUrl. Setting avatarUrl to null removes the picture.",
  })
  @IsOptional()
  @MaxLength(64)
  avatarUploadId?: string | null;
}
