import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { displayName } from '../chats/chat-display';
import { insertChat } from '../chats/chat-cache';
import { OpenPrivateChatMutation } from '../chats/chats.operations';
import type { PersonFieldsFragment } from '../gql/graphql';
import { chatPath, navigate } from '../messenger/useRoute';
import { Avatar } from '../ui/Avatar';
import { describeError } from '../ui/errors';
import { FriendshipsQuery, RemoveFriendMutation, RespondToFriendRequestMutation, SendFriendRequestMutation } from './people.operations';

/** A person with what the viewer can do: befriend, answer a request, withdraw or unfriend, and message. */
export function PersonRow({ person }: { person: PersonFieldsFragment }) {
  const name = displayName(person);
  const [problem, setProblem] = useState<string | null>(null);
  const refetchQueries = [FriendshipsQuery];
  const onError = (error: unknown) => setProblem(describeError(error).message);
  const [request, requesting] = useMutation(SendFriendRequestMutation, { refetchQueries, onError });
  const [respond, responding] = useMutation(RespondToFriendRequestMutation, {
    refetchQueries,
    onError,
    // A declined request is gone: the answer is null, so the person's friendship is cleared by hand.
    update: (cache, { data }) => {
      if (data && !data.respondToFriendRequest) cache.modify({ id: cache.identify(person), fields: { friendship: () => null } });
    },
  });
  const [remove, removing] = useMutation(RemoveFriendMutation, {
    refetchQueries,
    onError,
    update: (cache) => cache.modify({ id: cache.identify(person), fields: { friendship: () => null } }),
  });
  const [openChat, opening] = useMutation(OpenPrivateChatMutation, {
    onError,
    onCompleted: (data) => navigate(chatPath(data.openPrivateChat.id)),
    update: (cache, { data }) => data && insertChat(cache, data.openPrivateChat),
  });
  const busy = requesting.loading || responding.loading || removing.loading || opening.loading;
  const friendship = person.friendship;
  const variables = { userId: person.id };

  return (
    <li className="person" data-username={person.username}>
      <Avatar name={name} seed={person.id} url={person.avatarUrl} online={person.isOnline} />
      <span className="person-text">
        <span className="person-name">{name}</span>
        <span className="muted">
          @{person.username}
          {person.isOnline ? ' · online' : ''}
        </span>
        {problem && (
          <span className="form-error" role="alert">
            {problem}
          </span>
        )}
      </span>
      <span className="person-actions">
        {!friendship && (
          <button type="button" className="button" disabled={busy} onClick={() => void request({ variables })} aria-label={`Add ${name} as a friend`}>
            Add friend
          </button>
        )}
        {friendship?.status === 'OUTGOING' && (
          <button type="button" className="button button-quiet" disabled={busy} onClick={() => void remove({ variables })} aria-label={`Cancel the friend request to ${name}`}>
            Cancel request
          </button>
        )}
        {friendship?.status === 'INCOMING' && (
          <>
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void respond({ variables: { friendshipId: friendship.id, accept: true } })} aria-label={`Accept ${name}'s friend request`}>
              Accept
            </button>
            <button type="button" className="button button-quiet" disabled={busy} onClick={() => void respond({ variables: { friendshipId: friendship.id, accept: false } })} aria-label={`Decline ${name}'s friend request`}>
              Decline
            </button>
          </>
        )}
        {friendship?.status === 'BLOCKED' ? (
          <span className="muted">Blocked</span>
        ) : (
          <button type="button" className="button" disabled={busy} onClick={() => void openChat({ variables })} aria-label={`Message ${name}`}>
            Message
          </button>
        )}
      </span>
    </li>
  );
}
