import { displayName } from '../chats/chat-display';
import { Avatar } from '../ui/Avatar';
import type { MentionPicker } from './useMentionPicker';

/** The members matching what follows the `@`; the text field keeps focus (aria-activedescendant points here). */
export function MentionSuggestions({ picker }: { picker: MentionPicker }) {
  if (picker.suggestions.length === 0) return null;
  return (
    <ul className="mention-suggestions" role="listbox" id={picker.listId} aria-label="People to mention">
      {picker.suggestions.map((member, index) => (
        <li
          key={member.id}
          id={picker.optionId(index)}
          role="option"
          aria-selected={index === picker.active}
          // Clicking must not take focus from the text field.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => picker.choose(member)}
        >
          <Avatar name={displayName(member)} seed={member.id} />
          <span>
            {displayName(member)} <span className="muted">@{member.username}</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
