import { graphql } from '../gql';

// Every field here reads only the message itself, so Parley resolves a live message once for all
// the subscribers it reaches (replies and mentions included). Ticks come from the members' read
// pointers (ticks.ts), not from the per-viewer `status`; reactions, which say whether the viewer
// reacted, are a fragment of their own (MessageReactions) that `messageAdded` leaves out.
graphql(`
  fragment MessageFields on Message {
    ...MessagePreview
    pinnedAt
    replyTo {
      id
      seq
      body
      deletedAt
      author {
        id
        username
        displayName
      }
    }
    mentions {
      id
      username
      displayName
    }
  }
`);

// Read per viewer (reactedByViewer): with the history, with each update, and from the reaction mutations.
graphql(`
  fragment MessageReactions on Message {
    id
    reactions {
      emoji
      count
      reactedByViewer
      users(first: 3) {
        id
        username
        displayName
      }
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
  query ChatHistory($chatId: ID!, $before: String, $last: Int = 30) {
    chat(id: $chatId) {
      id
      messages(last: $last, before: $before) {
        edges {
          cursor
          node {
            ...MessageFields
            ...MessageReactions
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
        unreadMentionCount
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

// A pin changes the message and the chat's pinned list; the list is updated by hand (pins.ts).
export const PinMessageMutation = graphql(`
  mutation PinMessage($messageId: ID!) {
    pinMessage(messageId: $messageId) {
      ...PinnedMessageFields
    }
  }
`);

export const UnpinMessageMutation = graphql(`
  mutation UnpinMessage($messageId: ID!) {
    unpinMessage(messageId: $messageId) {
      ...PinnedMessageFields
    }
  }
`);

graphql(`
  fragment PinnedMessageFields on Message {
    id
    seq
    body
    deletedAt
    pinnedAt
    author {
      id
      username
      displayName
    }
    chat {
      id
    }
  }
`);

/** The chat's pinned messages, most recently pinned first (the bar under the header shows them). */
export const PinnedMessagesQuery = graphql(`
  query PinnedMessages($chatId: ID!) {
    chat(id: $chatId) {
      id
      pinnedMessages(first: 20) {
        edges {
          cursor
          node {
            ...PinnedMessageFields
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

/** Mutes the chat for the viewer until an instant (null unmutes): its unread messages stop counting in the title. */
export const MuteChatMutation = graphql(`
  mutation MuteChat($chatId: ID!, $until: DateTime) {
    muteChat(chatId: $chatId, until: $until) {
      mutedUntil
    }
  }
`);
