import { useMutation } from '@apollo/client/react';
import { useMemo } from 'react';
import type { ChatListFieldsFragment } from '../gql/graphql';
import { useToggleReaction } from '../reactions/useToggleReaction';
import { PinMessageMutation, UnpinMessageMutation } from './chat.operations';
import type { MessageHandlers } from './MessageBubble';
import type { QuotedMessage } from './outbox';
import { applyPin } from './pins';

/**
 * What acting on a message does in this chat: reply (the composer shows it), show a message,
 * react, and pin, which either member of a private chat may do, and a group's owner and admins.
 */
export function useMessageHandlers(chat: ChatListFieldsFragment | null, reply: (message: QuotedMessage) => void, show: (seq: number) => void): MessageHandlers {
  const toggleReaction = useToggleReaction();
  const [pin] = useMutation(PinMessageMutation, { update: (cache, { data }) => data && applyPin(cache, data.pinMessage) });
  const [unpin] = useMutation(UnpinMessageMutation, { update: (cache, { data }) => data && applyPin(cache, data.unpinMessage) });
  const mayPin = chat !== null && (chat.kind === 'PRIVATE' || chat.viewerMembership.role !== 'MEMBER');
  return useMemo(
    () => ({
      reply,
      show,
      toggleReaction,
      togglePin: mayPin
        ? async (messageId: string, pinned: boolean) => {
            await (pinned ? pin : unpin)({ variables: { messageId } });
          }
        : null,
    }),
    [reply, show, toggleReaction, mayPin, pin, unpin],
  );
}
