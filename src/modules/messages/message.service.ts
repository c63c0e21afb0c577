import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../errors/errors';
import type DataLoader from 'dataloader';
import { v7 as uuidv7 } from 'uuid';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { databaseRefusal, isUniqueViolation } from '../../db/errors';
import type { Sql } from '../../db/sql';
import { assertChatMember, type Membership } from '../chats/chat.access';
import { chatFromJson } from '../chats/chat.sql';
import type { Chat } from '../chats/chat.type';
import { userFromJson } from '../users/user.sql';
import { toUser, type User, type UserRecord } from '../users/user.type';
import { attachmentParams, refusedUploadError } from './message-attachments';
import { BODY_MAX, type SendMessageInput } from './message.inputs';
import { fromJsonTimestamps, MESSAGE_BY_CLIENT_ID, type MessageRow, SEND_MESSAGE, type SendMessageRow } from './message.sql';
import { readMessageWithExtras } from './message-reads';
import { type Message, messageSelect, toMessage } from './message.type';
import type { EventPublisher } from '../../realtime/topics';
import { markForRemoval, type UploadRemoval } from '../files/upload-removal';
import type { RateLimits } from '../../server/rate-limits';

/** Where a send puts the chat and author it read, so that the answer's `chat` and `author` cost nothing more. */
export interface SentMessageLoaders {
  chat: Pick<DataLoader<string, Chat | null>, 'prime'>;
  user: Pick<DataLoader<string, User | null>, 'prime'>;
}

function primeSent(loaders: SentMessageLoaders, viewerId: string, author: UserRecord, chat: Chat): void {
  loaders.chat.prime(chat.id, chat);
  loaders.user.prime(viewerId, toUser(author, viewerId));
}

const EDIT_WINDOW_MS = 48 * 3600 * 1000;

function repliedFromJson(replyTo: SendMessageRow['replyTo']): NonNullable<Message['extras']>['replied'] {
  return replyTo ? { message: toMessage(fromJsonTimestamps(replyTo.message)), author: userFromJson(replyTo.author) } : null;
}

/** The body as stored: trimmed; 1-4000 characters, or empty (null) when the message has attachments. */
function messageBody(body: string | null | undefined, hasAttachments: boolean): string | null {
  const text = body?.trim() ?? '';
  if (text.length > BODY_MAX) throw new BadInputError('body', `body must be at most ${BODY_MAX} characters.`);
  if (text.length === 0 && !hasAttachments) throw new BadInputError('body', 'A message needs a body or attachments.');
  return text.length > 0 ? text : null;
}

export class MessageService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: Sql,
    private readonly events: EventPublisher,
    private readonly rateLimits: RateLimits,
    private readonly uploadRemoval: UploadRemoval,
  ) {}

  /**
   * Stores a message with the chat's next seq, so seqs run 1, 2, 3 ... without gaps, in one
   * statement (see SEND_MESSAGE for what it guarantees). A clientId already used by the author
   * returns that message instead.
   */
  async send(viewerId: string, input: SendMessageInput, loaders?: SentMessageLoaders): Promise<Message> {
    const attachments = attachmentParams(input.attachments ?? []);
    const body = messageBody(input.body, attachments.length > 0);
    const clientId = input.clientId ?? null;
    const mentions = [...new Set(input.mentionUserIds ?? [])];
    await this.rateLimits.consume('messagesPerUser', viewerId);
    // The chat's allowance is spent only by its members' stored messages: outsiders cannot drain it.
    await this.rateLimits.assertAllowed('messagesPerChat', input.chatId);
    const id = uuidv7();
    let row: SendMessageRow;
    try {
      [row] = (await this.sql.query<SendMessageRow>(SEND_MESSAGE, [
        input.chatId,
        viewerId,
        id,
        body,
        clientId,
        JSON.stringify(attachments),
        input.replyToId ?? null,
        mentions,
      ])) as [SendMessageRow];
    } catch (error) {
      if (isUniqueViolation(error) && databaseRefusal(error)?.column === 'uploadId') {
        throw new BadInputError('attachments', 'An upload of this message was attached to another message at the same moment.');
      }
      // The same clientId raced in from another request, which stored it first.
      const winner = clientId && isUniqueViolation(error) && (await this.byClientId(viewerId, clientId, input.chatId));
      if (winner) return winner;
      throw error;
    }
    if (row.earlier) return this.retried(toMessage(fromJsonTimestamps(row.earlier)), input.chatId);
    if (!row.isMember) throw new NotFoundError('Chat');
    if (row.blocked) throw new ForbiddenError('This user has blocked you; you cannot send them messages.');
    if (row.refusedUpload) throw refusedUploadError(row.refusedUpload);
    if (row.badReply) throw new BadInputError('replyToId', 'replyToId must name a message of this chat that is not deleted.');
    if (row.badMentions) throw new BadInputError('mentionUserIds', 'Only members of this chat can be mentioned.');
    const seq = row.seq!;
    const message: Message = {
      id, chatId: input.chatId, authorId: viewerId, seq, body, clientId, createdAt: row.createdAt!, editedAt: null, deletedAt: null,
      replyToId: input.replyToId ?? null, pinnedAt: null, pinnedById: null, mentionIds: mentions, attachments: row.attachments ?? [],
      extras: { replied: repliedFromJson(row.replyTo), mentioned: (row.mentioned ?? []).map(userFromJson), reactions: [] },
    };
    // A stored message always brings its author and chat along.
    const author = userFromJson(row.author!);
    const chat = chatFromJson(row.chat!);
    if (loaders) primeSent(loaders, viewerId, author, chat);
    await this.rateLimits.spend('messagesPerChat', input.chatId);
    this.events.publish('message.added', { chatId: input.chatId, message, author, chat });
    // The author's pointers moved to the new seq, which is past anything they had.
    const at = new Date();
    this.events.publish('receipt.updated', { chatId: input.chatId, receipt: { chatId: input.chatId, userId: viewerId, lastReadSeq: seq, lastDeliveredSeq: seq, at } });
    // The answer is the author's own view: its users shown to them at once (the event's message stays everyone's).
    return { ...message, sentBy: toUser(author, viewerId), sentIn: chat, extras: { ...message.extras, viewerId } };
  }

  /** Authors only, within 48 hours of sending. */
  async edit(viewerId: string, messageId: string, body: string): Promise<Message> {
    const { message } = await this.visibleMessage(viewerId, messageId);
    if (message.authorId !== viewerId) throw new ForbiddenError('Only the author can edit a message.');
    if (message.deletedAt) throw new BadInputError('messageId', 'A deleted message cannot be edited.');
    if (Date.now() - message.createdAt.getTime() > EDIT_WINDOW_MS) {
      throw new ForbiddenError('A message can be edited for 48 hours after it was sent.');
    }
    const text = messageBody(body, message.attachments.length > 0);
    const edited = await this.prisma.message.updateMany({ where: { id: messageId, deletedAt: null }, data: { body: text, editedAt: new Date() } });
    if (edited.count === 0) throw new BadInputError('messageId', 'A deleted message cannot be edited.');
    return this.updated(await readMessageWithExtras(this.prisma, messageId));
  }

  /** Authors, and the owner and admins of a group. The message keeps its seq; body, attachments, mentions, reactions and pin go. */
  async delete(viewerId: string, messageId: string): Promise<Message> {
    const { message, membership } = await this.visibleMessage(viewerId, messageId);
    const moderates = membership.chat.kind === 'GROUP' && membership.member.role !== 'MEMBER';
    if (message.authorId !== viewerId && !moderates) throw new ForbiddenError('Only the author or a group admin can delete a message.');
    if (message.deletedAt) return message;
    // An upload belongs to its message: it goes with it (marked here, its bytes removed once this commits).
    const uploadIds = message.attachments.flatMap((attachment) => (attachment.uploadId ? [attachment.uploadId] : []));
    const deleted = await this.prisma.$transaction(async (tx) => {
      await tx.attachment.deleteMany({ where: { messageId } });
      await tx.mention.deleteMany({ where: { messageId } });
      await tx.reaction.deleteMany({ where: { messageId } });
      await markForRemoval(tx, uploadIds);
      await tx.message.update({
        where: { id: messageId },
        data: { body: null, deletedAt: new Date(), pinnedAt: null, pinnedById: null, mentionIds: [], reactionSummary: Prisma.DbNull },
      });
      return readMessageWithExtras(tx, messageId);
    });
    await this.uploadRemoval.removeAfterCommit(uploadIds);
    return this.updated(deleted);
  }

  private updated(message: Message): Message {
    this.events.publish('message.updated', { chatId: message.chatId, message });
    return message;
  }

  /** A message of a chat the viewer is in; NOT_FOUND otherwise, exactly as for an unknown id. */
  private async visibleMessage(viewerId: string, messageId: string): Promise<{ message: Message; membership: Membership }> {
    const row = await this.prisma.message.findUnique({ where: { id: messageId }, select: messageSelect });
    if (!row) throw new NotFoundError('Message');
    const membership = await assertChatMember(this.prisma, row.chatId, viewerId, 'Message');
    return { message: toMessage(row), membership };
  }

  private async byClientId(viewerId: string, clientId: string, chatId: string): Promise<Message | null> {
    const [row] = await this.sql.query<MessageRow>(MESSAGE_BY_CLIENT_ID, [viewerId, clientId]);
    return row ? this.retried(toMessage(row), chatId) : null;
  }

  /** A resend of a message already stored under its clientId: the same message, in the same chat only. */
  private retried(message: Message, chatId: string): Message {
    if (message.chatId !== chatId) throw new ConflictError('This clientId was already used for a message in another chat.', 'clientId');
    return message;
  }
}
