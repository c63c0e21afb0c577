import { graphql } from '../gql';

// A chat's last message in the list, and the core of MessageFields (which adds the pin, the reply
// and the mentions): without those, a chat list page stays within Parley's depth limit. Its
// attachments' fields are MessageFields' own, since a message's attachments are replaced whole by
// whichever answer brings them (cache.ts).
graphql(`
  fragment MessagePreview on Message {
    id
    seq
    body
    clientId
    createdAt
    editedAt
    deletedAt
    attachments {
      url
      name
      mimeType
      sizeBytes
      width
      height
      thumbnailUrl
    }
    author {
      id
      username
      displayName
      avatarUrl
    }
    chat {
      id
    }
  }
`);

// What the chat list and a chat's header show, with the viewer's own settings of the chat.
graphql(`
  fragment ChatListFields on Chat {
    id
    kind
    name
    lastSeq
    lastActivityAt
    unreadCount
    unreadMentionCount
    lastMessage {
      ...MessagePreview
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
      mutedUntil
      archived
      pinnedAt
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

/** Edits, deletions, reactions and pins: the message replaces what the cache holds of it. */
export const MessageUpdatedSubscription = graphql(`
  subscription MessageUpdated {
    messageUpdated {
      ...MessageFields
      ...MessageReactions
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
