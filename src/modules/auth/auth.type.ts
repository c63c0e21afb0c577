import { Field, ID, ObjectType } from 'type-graphql';
import { User } from '../users/user.type';

@ObjectType({ simpleResolvers: true })
export class AuthPayload {
  @Field(() => String, { description: 'Send as "Authorization: Bearer <accessToken>".' })
  accessToken!: string;

  @Field(() => Date)
  accessTokenExpiresAt!: Date;

  @Field(() => String, { description: 'Single use: refreshSession returns the next one.' })
  refreshToken!: string;

  @Field(() => Date)
  refreshTokenExpiresAt!: Date;

  @Field(() => User)
  user!: User;
}

@ObjectType({ simpleResolvers: true, description: 'A signed-in device.' })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  lastUsedAt!: Date;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Boolean, { description: 'True for the session of the token that asks.' })
  current!: boolean;
}
