import { graphql } from '../gql';

/** Messages of the viewer's chats holding every word of the query, newest first, with the matches marked. */
export const SearchMessagesQuery = graphql(`
  query SearchMessages($query: String!, $after: String) {
    searchMessages(query: $query, first: 20, after: $after) {
      edges {
        cursor
        highlight
        node {
          ...MessageFields
          chat {
            id
            kind
            name
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);
