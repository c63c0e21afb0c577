import { skipToken, useMutation, useQuery } from '@apollo/client/react';
import { type FormEvent, useId, useRef, useState } from 'react';
import { insertChat } from '../chats/chat-cache';
import { displayName } from '../chats/chat-display';
import { CreateGroupChatMutation } from '../chats/chats.operations';
import { chatPath, navigate } from '../messenger/useRoute';
import { describeError } from '../ui/errors';
import { useModalDialog } from '../ui/useModalDialog';
import { FriendshipsQuery } from './people.operations';

/** A modal <dialog>: the browser keeps focus inside it, Escape closes it. */
export function NewGroupDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = useId();
  const [name, setName] = useState('');
  const [memberIds, setMemberIds] = useState<Set<string>>(new Set());
  const friends = useQuery(FriendshipsQuery, open ? { variables: { status: 'ACCEPTED' } } : skipToken);
  const [create, { loading, error, reset }] = useMutation(CreateGroupChatMutation, {
    update: (cache, { data }) => data && insertChat(cache, data.createGroupChat),
  });

  useModalDialog(dialog, open);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const { data } = await create({ variables: { input: { name: name.trim(), memberIds: [...memberIds] } } }).catch(() => ({ data: undefined }));
    if (!data) return;
    setName('');
    setMemberIds(new Set());
    reset();
    onClose();
    navigate(chatPath(data.createGroupChat.id));
  };
  const toggle = (id: string) =>
    setMemberIds((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const people = friends.data?.friendships.edges.map((edge) => edge.node.user) ?? [];

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${ids}-title`} onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id={`${ids}-title`}>New group</h2>
        <div className="field">
          <label htmlFor={`${ids}-name`}>Group name</label>
          <input id={`${ids}-name`} value={name} onChange={(event) => setName(event.target.value)} required maxLength={64} autoFocus />
        </div>
        <fieldset className="member-picker">
          <legend>Members</legend>
          {friends.loading && <p className="muted">Loading friends…</p>}
          {friends.data && people.length === 0 && <p className="muted">Add friends first; you can create a group on your own meanwhile.</p>}
          {people.map((person) => (
            <label key={person.id} className="check">
              <input type="checkbox" checked={memberIds.has(person.id)} onChange={() => toggle(person.id)} />
              {displayName(person)} <span className="muted">@{person.username}</span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {describeError(error).message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-quiet" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={loading || !name.trim()}>
            {loading ? 'Creating…' : 'Create group'}
          </button>
        </div>
      </form>
    </dialog>
  );
}
