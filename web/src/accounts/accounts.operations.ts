import { graphql } from '../gql';

// The account pages that need no sign-in send these with postOperation (outside Apollo Client).
export const VerifyEmailMutation = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) {
      id
      email
      emailVerified
    }
  }
`);

export const RequestPasswordResetMutation = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

// The account panel of the signed-in app.
export const AccountQuery = graphql(`
  query Account {
    me {
      id
      email
      emailVerified
    }
  }
`);

export const RequestEmailVerificationMutation = graphql(`
  mutation RequestEmailVerification {
    requestEmailVerification
  }
`);

export const ChangeEmailMutation = graphql(`
  mutation ChangeEmail($newEmail: String!, $currentPassword: String!) {
    changeEmail(newEmail: $newEmail, currentPassword: $currentPassword) {
      id
      email
      emailVerified
    }
  }
`);

export const ExportMyDataMutation = graphql(`
  mutation ExportMyData {
    exportMyData {
      url
      expiresAt
      sizeBytes
    }
  }
`);
