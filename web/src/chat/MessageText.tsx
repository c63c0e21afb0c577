import { type Mentionable, splitMentions } from '../mentions/mentions';

/** A message's text, each mention of a person set apart, and those of the viewer stronger still. */
export function MessageText({ body, mentions, viewerId }: { body: string; mentions: Mentionable[]; viewerId: string }) {
  return (
    <p className="body">
      {splitMentions(body, mentions).map((segment, index) =>
        segment.mention ? (
          <span key={index} className={segment.mention.id === viewerId ? 'mention mention-me' : 'mention'}>
            {segment.text}
          </span>
        ) : (
          segment.text
        ),
      )}
    </p>
  );
}
