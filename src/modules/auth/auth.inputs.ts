import { IsEmail, IsOptional, Length, Matches, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../auth/passwords';
import { IsName } from '../../server/names';
import { DISPLAY_NAME_MAX } from '../users/user.inputs';

@InputType()
export class SignUpInput {
  @Field(() => String, { description: "3-32 characters: letters, digits, '_' and '.'; unique ignoring case." })
  @Matches(/^[A-Za-z0-9_.]{3,32}$/, { message: "username must be 3-32 characters of letters, digits, '_' and '.'" })
  username!: string;

  @Field(() => String, { description: 'Unique ignoring case.' })
  @MaxLength(254, { message: 'email must be at most 254 characters' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  email!: string;

  @Field(() => String, { description: '8-128 characters; must not be a common password or equal the username.' })
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
    message: `password must be ${PASSWORD_MIN_LENGTH}-${PASSWORD_MAX_LENGTH} characters long`,
  })
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(DISPLAY_NAME_MAX, { message: `displayName must be at most ${DISPLAY_NAME_MAX} characters` })
  @IsName()
  displayName?: string | null;
}

@InputType()
export class LogInInput {
  @Field(() => String, { description: 'A username or an email address.' })
  @Length(1, 254, { message: 'login must be a username or an email address' })
  login!: string;

  @Field(() => String)
  @Length(1, PASSWORD_MAX_LENGTH, { message: 'password must be given' })
  password!: string;
}
