import { graphql } from '../gql';

// What every way of signing in answers with; the session keeps it (session.ts).
graphql(`
  fragment AuthPayloadFields on AuthPayload {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    user {
      id
      username
      displayName
      avatarUrl
    }
  }
`);

export const SignUpMutation = graphql(`
  mutation SignUp($input: SignUpInput!) {
    signUp(input: $input) {
      ...AuthPayloadFields
    }
  }
`);

export const LogInMutation = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      ...AuthPayloadFields
    }
  }
`);

export const RefreshSessionMutation = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...AuthPayloadFields
    }
  }
`);

export const LogOutMutation = graphql(`
  mutation LogOut($refreshToken: String!) {
    logOut(refreshToken: $refreshToken)
  }
`);

// A reset link signs in anew: every other session of the account ends.
export const ResetPasswordMutation = graphql(`
  mutation ResetPassword($token: String!, $newPassword: String!) {
    resetPassword(token: $token, newPassword: $newPassword) {
      ...AuthPayloadFields
    }
  }
`);

export const DeleteAccountMutation = graphql(`
  mutation DeleteAccount($currentPassword: String!, $eraseMessages: Boolean!) {
    deleteAccount(currentPassword: $currentPassword, eraseMessages: $eraseMessages)
  }
`);
