import { type KeyboardEvent, useId, useState } from 'react';
import { insertMention, type Mentionable, mentionAt, suggestMembers } from './mentions';

export interface MentionPicker {
  suggestions: Mentionable[];
  active: number;
  listId: string;
  optionId: (index: number) => string;
  choose: (member: Mentionable) => void;
  /** True when the key was the picker's (the field then does nothing else with it). */
  onKeyDown: (event: KeyboardEvent) => boolean;
}

/**
 * Offers the chat's members while an `@word` is typed at the caret: arrows move through them,
 * Enter or Tab inserts `@username`, Escape puts the list away until the next `@`.
 */
export function useMentionPicker(
  members: Mentionable[],
  viewerId: string,
  text: string,
  caret: number,
  replace: (text: string, caret: number) => void,
): MentionPicker {
  const listId = useId();
  const typed = mentionAt(text, caret);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  // The highlighted suggestion, for the query it was chosen in: a new query starts at the first.
  const [highlight, setHighlight] = useState({ query: '', index: 0 });
  const suggestions = typed && typed.start !== dismissedAt ? suggestMembers(members, typed.query, viewerId) : [];
  const active = highlight.query === typed?.query ? Math.min(highlight.index, suggestions.length - 1) : 0;

  const choose = (member: Mentionable) => {
    if (!typed) return;
    const next = insertMention(text, typed, member.username);
    replace(next.text, next.caret);
  };
  const onKeyDown = (event: KeyboardEvent): boolean => {
    if (!typed || suggestions.length === 0) return false;
    const move = (step: number) => setHighlight({ query: typed.query, index: (active + step + suggestions.length) % suggestions.length });
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if ((event.key === 'Enter' || event.key === 'Tab') && !event.shiftKey) choose(suggestions[active]!);
    else if (event.key === 'Escape') setDismissedAt(typed.start);
    else return false;
    event.preventDefault();
    return true;
  };
  return { suggestions, active, listId, optionId: (index) => `${listId}-${index}`, choose, onKeyDown };
}
