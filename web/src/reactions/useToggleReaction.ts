import { useCallback } from 'react';
import { useServices } from '../messenger/services';
import { AddReactionMutation, RemoveReactionMutation } from './reaction.operations';
import { type ReactionGroup, toggleReaction } from './reactions';

/**
 * Adds the viewer's reaction, or takes it away when they had reacted with that emoji. The new
 * groups show at once (optimistic), then Parley's answer replaces them; other people's reactions
 * arrive by `messageUpdated` and replace them the same way.
 */
export function useToggleReaction(): (messageId: string, groups: readonly ReactionGroup[], emoji: string) => Promise<void> {
  const { client, user } = useServices();
  return useCallback(
    async (messageId, groups, emoji) => {
      const reacted = groups.some((group) => group.emoji === emoji && group.reactedByViewer);
      const viewer = { id: user.id, username: user.username, displayName: user.displayName };
      const message = { __typename: 'Message' as const, id: messageId, reactions: toggleReaction(groups, emoji, viewer) };
      const variables = { messageId, emoji };
      if (reacted) await client.mutate({ mutation: RemoveReactionMutation, variables, optimisticResponse: { removeReaction: message } });
      else await client.mutate({ mutation: AddReactionMutation, variables, optimisticResponse: { addReaction: message } });
    },
    [client, user],
  );
}
