import { graphql } from '../gql';

// Every field here reads only the message itself, so Parley resolves a live message once for all
// the subscribers it reaches. Ticks come from the members' read pointers (ticks.ts), not from
// the per-viewer `status`.
// Attachments, replies and reactions get their place here once issues 11-12 land.
graphql(`
  fragment MessageFields on Message {
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

// The seqs of the history held (chat-cache.ts: where a resumed subscription starts).
graphql(`
  fragment HeldSeq on Chat {
    messages {
      edges {
        node {
          id
          seq
        }
      }
    }
  }
`);

export const ChatHistoryQuery = graphql(`
  query ChatHistory($chatId: ID!, $before: String) {
    chat(id: $chatId) {
      id
      messages(last: 30, before: $before) {
        edges {
          cursor
          node {
            ...MessageFields
          }
        }
        pageInfo {
          hasPreviousPage
          startCursor
        }
      }
    }
  }
`);

/** Replays every message after `afterSeq`, then goes live: no gap, no duplicate. */
export const ChatMessageAddedSubscription = graphql(`
  subscription ChatMessageAdded($chatId: ID!, $afterSeq: Int) {
    messageAdded(chatId: $chatId, afterSeq: $afterSeq) {
      ...MessageFields
    }
  }
`);

export const TypingSubscription = graphql(`
  subscription Typing($chatId: ID!) {
    typing(chatId: $chatId) {
      isTyping
      at
      user {
        id
        username
        displayName
      }
    }
  }
`);

export const SendMessageMutation = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      ...MessageFields
    }
  }
`);

export const MarkChatReadMutation = graphql(`
  mutation MarkChatRead($chatId: ID!, $upToSeq: Int) {
    markChatRead(chatId: $chatId, upToSeq: $upToSeq) {
      lastReadSeq
      chat {
        id
        unreadCount
        viewerMembership {
          lastReadSeq
          lastDeliveredSeq
        }
      }
    }
  }
`);

export const SetTypingMutation = graphql(`
  mutation SetTyping($chatId: ID!, $isTyping: Boolean!) {
    setTyping(chatId: $chatId, isTyping: $isTyping)
  }
`);

export const LeaveChatMutation = graphql(`
  mutation LeaveChat($chatId: ID!) {
    leaveChat(chatId: $chatId)
  }
`);
