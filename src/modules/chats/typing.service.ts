import type { PrismaClient } from '../../generated/prisma/client';
import type { EventPublisher } from '../../realtime/topics';
import type { RateLimits } from '../../server/rate-limits';
import { assertChatMember } from './chat.access';

/** A typing signal lasts this long unless repeated; subscribers then see isTyping: false. */
export const TYPING_TTL_MS = 6_000;

export class TypingService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventPublisher,
    private readonly rateLimits: RateLimits,
  ) {}

  async setTyping(viewerId: string, chatId: string, isTyping: boolean): Promise<boolean> {
    await assertChatMember(this.prisma, chatId, viewerId);
    await this.rateLimits.consume('typingPerUser', viewerId);
    this.events.publish('typing', { chatId, userId: viewerId, isTyping, at: new Date() });
    return true;
  }
}
