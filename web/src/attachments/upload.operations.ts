import { graphql } from '../gql';

/** Announces a file (name, type, size are checked before any byte moves) and says where to send it. */
export const RequestUploadMutation = graphql(`
  mutation RequestUpload($input: RequestUploadInput!) {
    requestUpload(input: $input) {
      method
      url
      headers {
        name
        value
      }
      expiresAt
      upload {
        id
      }
    }
  }
`);

/** After the bytes arrived: Parley checks the stored file and makes it READY (with a preview for images). */
export const CompleteUploadMutation = graphql(`
  mutation CompleteUpload($uploadId: ID!) {
    completeUpload(uploadId: $uploadId) {
      id
      name
      mimeType
      sizeBytes
      width
      height
      url
      thumbnailUrl
    }
  }
`);

/**
 * Fresh links for the files of a message whose links expired: the messages sent from its
 * instant on (normally itself first). Each comes back under its id, so the cache swaps the links
 * wherever the message shows.
 */
export const MessageLinksQuery = graphql(`
  query MessageLinks($chatId: ID!, $at: DateTime!) {
    messages(chatId: $chatId, at: $at, first: 3) {
      edges {
        node {
          id
          attachments {
            url
            name
            mimeType
            sizeBytes
            width
            height
            thumbnailUrl
          }
        }
      }
    }
  }
`);
