import { graphql } from '../gql';

// What the chat list and a chat's header show. Mention counts join unreadCount once issue 12 lands.
graphql(`
  fragment ChatListFields on Chat {
    id
    kind
    name
    lastSeq
    lastActivityAt
    unreadCount
    lastMessage {
      ...MessageFields
    }
    members {
      role
      lastReadSeq
      lastDeliveredSeq
      user {
        ...UserSummary
      }
    }
    viewerMembership {
      role
      lastReadSeq
      lastDeliveredSeq
    }
  }
`);

export const ChatsQuery = graphql(`
  query Chats($after: String) {
    chats(first: 30, after: $after) {
      edges {
        cursor
        node {
          ...ChatListFields
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export const ChatQuery = graphql(`
  query Chat($id: ID!) {
    chat(id: $id) {
      ...ChatListFields
    }
  }
`);

export const OpenPrivateChatMutation = graphql(`
  mutation OpenPrivateChat($userId: ID!) {
    openPrivateChat(userId: $userId) {
      ...ChatListFields
    }
  }
`);

export const CreateGroupChatMutation = graphql(`
  mutation CreateGroupChat($input: CreateGroupChatInput!) {
    createGroupChat(input: $input) {
      ...ChatListFields
    }
  }
`);

/** New messages in all the viewer's chats: the list's last messages, unread counts and order. */
export const AnyMessageAddedSubscription = graphql(`
  subscription AnyMessageAdded {
    messageAdded {
      ...MessageFields
    }
  }
`);

export const MessageUpdatedSubscription = graphql(`
  subscription MessageUpdated {
    messageUpdated {
      ...MessageFields
    }
  }
`);

export const ReadReceiptSubscription = graphql(`
  subscription ReadReceipts {
    readReceiptUpdated {
      lastReadSeq
      lastDeliveredSeq
      chat {
        id
      }
      user {
        id
      }
    }
  }
`);

export const ChatUpdatedSubscription = graphql(`
  subscription ChatUpdated {
    chatUpdated {
      kind
      chat {
        ...ChatListFields
      }
      users {
        id
      }
    }
  }
`);

export const PresenceSubscription = graphql(`
  subscription Presence {
    presenceChanged {
      user {
        id
        isOnline
        lastSeenAt
      }
    }
  }
`);
