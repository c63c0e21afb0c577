import type { Logger } from 'pino';
import { Authenticator } from '../auth/authenticator';
import { PasswordHasher } from '../auth/passwords';
import { SessionCache, type SessionCacheOptions } from '../auth/session-cache';
import { SessionTouches } from '../auth/session-touches';
import { readSession } from '../auth/session.sql';
import { AccessTokens } from '../auth/tokens';
import type { Config } from '../config/config';
import type { Sql } from '../db/sql';
import type { PrismaClient } from '../generated/prisma/client';
import { Mailer, type MailerOptions } from '../mail/mailer';
import { AccountDeletionService } from '../modules/accounts/account-deletion.service';
import { AccountMail } from '../modules/accounts/account-mail';
import { AccountTokens } from '../modules/accounts/account-tokens';
import { DataExportService } from '../modules/accounts/data-export.service';
import { EmailService } from '../modules/accounts/email.service';
import { PasswordResetService } from '../modules/accounts/password-reset.service';
import { AuthService } from '../modules/auth/auth.service';
import { SessionService } from '../modules/auth/session.service';
import { ChatUpdateFeed } from '../modules/chats/chat-update.feed';
import { ChatMemberService } from '../modules/chats/chat-members.service';
import { ChatSettingsService } from '../modules/chats/chat-settings.service';
import { ChatService } from '../modules/chats/chat.service';
import { TypingFeed } from '../modules/chats/typing.feed';
import { TypingService } from '../modules/chats/typing.service';
import { FileLinks } from '../modules/files/file-links';
import { UploadRemoval } from '../modules/files/upload-removal';
import { UploadSweeper } from '../modules/files/upload-sweep';
import { UploadService } from '../modules/files/upload.service';
import { FriendshipService } from '../modules/friendships/friendship.service';
import { DeliveryTracker } from '../modules/messages/deliveries';
import { MessageHistoryService } from '../modules/messages/message-history.service';
import { MessageFeed } from '../modules/messages/message.feed';
import { MessageService } from '../modules/messages/message.service';
import { MessageSearchService } from '../modules/messages/message-search.service';
import { PinService } from '../modules/messages/pin.service';
import { ReactionService } from '../modules/messages/reaction.service';
import { ReceiptService } from '../modules/messages/receipt.service';
import { PresenceFeed } from '../modules/users/presence.feed';
import { UserService } from '../modules/users/user.service';
import type { Realtime } from '../realtime/realtime';
import type { FileStorage } from '../storage/storage';
import { BackgroundWork } from './background';
import type { Feeds } from './context';
import type { Metrics } from './metrics';
import type { RateLimits } from './rate-limits';

/** Every service, built once per server and handed to resolvers through their constructors. */
export interface Services {
  authenticator: Authenticator;
  auth: AuthService;
  sessions: SessionService;
  emails: EmailService;
  passwordResets: PasswordResetService;
  accountDeletion: AccountDeletionService;
  dataExports: DataExportService;
  mailer: Mailer;
  /** Work requests start without waiting for it (password reset emails). */
  background: BackgroundWork;
  users: UserService;
  friendships: FriendshipService;
  chats: ChatService;
  chatMembers: ChatMemberService;
  chatSettings: ChatSettingsService;
  messages: MessageService;
  history: MessageHistoryService;
  reactions: ReactionService;
  pins: PinService;
  search: MessageSearchService;
  receipts: ReceiptService;
  typing: TypingService;
  uploads: UploadService;
  uploadSweeper: UploadSweeper;
  fileLinks: FileLinks;
  realtime: Realtime;
  /** Delivered pointers of pushed messages, written in batches. */
  deliveries: DeliveryTracker;
  feeds: Feeds;
}

export function createServices(
  prisma: PrismaClient,
  sql: Sql,
  config: Config,
  realtime: Realtime,
  rateLimits: RateLimits,
  storage: FileStorage,
  options: { logger: Logger; metrics: Metrics; sessionCache?: Partial<SessionCacheOptions>; mailer?: Partial<MailerOptions>; publicUrl: () => string },
): Services {
  const events = realtime.bus;
  const accessTokens = new AccessTokens(config.jwtSecret, config.accessTokenTtlSeconds);
  const sessionCache = new SessionCache((sessionId) => readSession(sql, sessionId), options.sessionCache);
  const deliveries = new DeliveryTracker(sql, events, options.logger);
  const uploadRemoval = new UploadRemoval(prisma, storage, options.logger);
  const sessions = new SessionService(prisma, accessTokens, config.refreshTokenTtlSeconds, events, rateLimits, sessionCache);
  const passwords = new PasswordHasher(config.bcryptCost);
  const chatMembers = new ChatMemberService(prisma, events);
  const mailer = new Mailer(config.mail, config.dataDir, options.logger, options.mailer);
  const accountMail = new AccountMail(mailer, config.mail.appName, options.publicUrl);
  const accountTokens = new AccountTokens(prisma);
  const background = new BackgroundWork(options.logger);
  const emails = new EmailService(prisma, passwords, accountTokens, accountMail, rateLimits);
  const dataExports = new DataExportService(prisma, storage, rateLimits, config.exportUrlTtlSeconds, options.logger);
  return {
    authenticator: new Authenticator(accessTokens, sessionCache, new SessionTouches(prisma, options.logger), events),
    auth: new AuthService(prisma, passwords, sessions, rateLimits, emails),
    sessions,
    emails,
    passwordResets: new PasswordResetService(prisma, passwords, sessions, accountTokens, accountMail, rateLimits, background),
    accountDeletion: new AccountDeletionService(prisma, passwords, sessions, chatMembers, uploadRemoval, dataExports, events, options.logger),
    dataExports,
    mailer,
    background,
    users: new UserService(prisma, uploadRemoval),
    friendships: new FriendshipService(prisma, events),
    chats: new ChatService(prisma, sql, events),
    chatMembers,
    chatSettings: new ChatSettingsService(prisma, sql, events),
    messages: new MessageService(prisma, sql, events, rateLimits, uploadRemoval),
    history: new MessageHistoryService(sql),
    reactions: new ReactionService(prisma, events, rateLimits),
    pins: new PinService(prisma, events),
    search: new MessageSearchService(prisma, sql),
    receipts: new ReceiptService(sql, events),
    typing: new TypingService(prisma, events, rateLimits),
    uploads: new UploadService(prisma, storage, config.files, rateLimits, uploadRemoval),
    uploadSweeper: new UploadSweeper(prisma, storage, uploadRemoval, options.logger),
    fileLinks: new FileLinks(storage, config.files),
    realtime,
    deliveries,
    feeds: {
      messages: new MessageFeed(prisma, realtime.sockets, deliveries, options.metrics),
      typing: new TypingFeed(prisma, realtime.sockets),
      chats: new ChatUpdateFeed(events),
      presence: new PresenceFeed(events),
    },
  };
}
