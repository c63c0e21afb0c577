import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectsOnlyViewerNeutralFields } from '../../src/server/live-execution';
import { buildParleySchema } from '../../src/server/schema';

describe('live execution: which selections are resolved once per event', () => {
  const neutral = async (document: string, operationName?: string) => selectsOnlyViewerNeutralFields(await buildParleySchema(), parse(document), operationName);

  it('shares what a chat screen selects: the message, its author and its chat', async () => {
    expect(await neutral('subscription { messageAdded { id seq body createdAt author { id username displayName avatarUrl } chat { id } } }')).toBe(true);
    expect(await neutral('subscription S($chatId: ID) { messageAdded(chatId: $chatId) { __typename ...M } } fragment M on Message { id attachments { url } author { ...U } } fragment U on User { id email }')).toBe(true);
  });

  it('shares what a message refers to the same way for everyone: what it answers, whom it mentions, who pinned it', async () => {
    expect(await neutral('subscription { messageAdded { id replyTo { id body author { id email } } mentions { id email } pinnedAt pinnedBy { id } } }')).toBe(true);
  });

  it('never shares a selection with a field that reads the viewer', async () => {
    expect(await neutral('subscription { messageAdded { id reactions { emoji count } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { id readBy { id } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { id replyTo { status } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { id status } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { id chat { unreadCount } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { id ...M } } fragment M on Message { chat { viewerMembership { role } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { author { friendship { status } } } }')).toBe(false);
    expect(await neutral('subscription { messageAdded { author { isOnline } } }')).toBe(false);
  });

  it('shares no subscription whose root field is not marked', async () => {
    expect(await neutral('subscription { messageUpdated { id } }')).toBe(false);
    expect(await neutral('subscription { readReceiptUpdated { lastReadSeq } }')).toBe(false);
  });
});
