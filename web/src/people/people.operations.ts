import { graphql } from '../gql';

graphql(`
  fragment UserSummary on User {
    id
    username
    displayName
    avatarUrl
    isOnline
    lastSeenAt
  }
`);

graphql(`
  fragment PersonFields on User {
    ...UserSummary
    bio
    friendship {
      id
      status
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      ...UserSummary
      email
    }
  }
`);

export const SearchUsersQuery = graphql(`
  query SearchUsers($search: String!, $after: String) {
    users(search: $search, first: 20, after: $after) {
      edges {
        cursor
        node {
          ...PersonFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const FriendshipsQuery = graphql(`
  query Friendships($status: FriendshipStatus!, $after: String) {
    friendships(status: $status, first: 50, after: $after) {
      edges {
        cursor
        node {
          id
          status
          updatedAt
          user {
            ...PersonFields
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

export const SendFriendRequestMutation = graphql(`
  mutation SendFriendRequest($userId: ID!) {
    sendFriendRequest(userId: $userId) {
      id
      status
      user {
        id
        friendship {
          id
          status
        }
      }
    }
  }
`);

export const RespondToFriendRequestMutation = graphql(`
  mutation RespondToFriendRequest($friendshipId: ID!, $accept: Boolean!) {
    respondToFriendRequest(friendshipId: $friendshipId, accept: $accept) {
      id
      status
      user {
        id
        friendship {
          id
          status
        }
      }
    }
  }
`);

export const RemoveFriendMutation = graphql(`
  mutation RemoveFriend($userId: ID!) {
    removeFriend(userId: $userId)
  }
`);
