import { describeReaction, type ReactionGroup } from './reactions';

/** A message's reactions, one button per emoji with its count: pressed when the viewer reacted, a click toggles theirs. */
export function ReactionBar({ groups, viewerId, onToggle }: { groups: readonly ReactionGroup[]; viewerId: string; onToggle?: (emoji: string) => void }) {
  if (groups.length === 0) return null;
  return (
    <ul className="reactions" aria-label="Reactions">
      {groups.map((group) => {
        const description = describeReaction(group, viewerId);
        return (
          <li key={group.emoji}>
            <button
              type="button"
              className="reaction"
              aria-pressed={group.reactedByViewer}
              aria-label={description}
              title={description}
              disabled={!onToggle}
              onClick={() => onToggle?.(group.emoji)}
            >
              <span aria-hidden="true">{group.emoji}</span> <span aria-hidden="true">{group.count}</span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
