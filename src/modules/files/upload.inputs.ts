import { IsInt, Matches, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { UploadPurpose } from './upload.type';

/** A name with a long path in front is still a name: the path is dropped, then the name's own length counts. */
const GIVEN_NAME_MAX = 4096;

@InputType()
export class RequestUploadInput {
  @Field(() => UploadPurpose)
  purpose!: UploadPurpose;

  @Field(() => String, { description: '1-255 characters; any path is dropped.' })
  @MaxLength(GIVEN_NAME_MAX, { message: 'name must be 1-255 characters once any path is dropped.' })
  name!: string;

  @Field(() => String)
  @MaxLength(255, { message: 'mimeType must be at most 255 characters.' })
  @Matches(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, { message: 'mimeType must look like type/subtype.' })
  mimeType!: string;

  @Field(() => Int, { description: "1 byte up to the server's limit for that purpose; the stored file must have exactly this size." })
  @IsInt()
  @Min(1, { message: 'sizeBytes must be at least 1.' })
  sizeBytes!: number;
}
