import { createPubSub } from '@graphql-yoga/subscription';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { AccountResolver } from '../modules/accounts/account.resolver';
import { AuthResolver } from '../modules/auth/auth.resolver';
import { ChatFieldsResolver, ChatMemberFieldsResolver } from '../modules/chats/chat-fields.resolver';
import { ChatSettingsResolver } from '../modules/chats/chat-settings.resolver';
import { ChatUpdatesResolver } from '../modules/chats/chat-updates.resolver';
import { ChatResolver } from '../modules/chats/chat.resolver';
import { TypingResolver } from '../modules/chats/typing.resolver';
import { UploadResolver } from '../modules/files/upload.resolver';
import { FriendshipResolver } from '../modules/friendships/friendship.resolver';
import { AttachmentFieldsResolver } from '../modules/messages/attachment-fields.resolver';
import { MessageFieldsResolver, ReactionGroupFieldsResolver, ReadReceiptFieldsResolver } from '../modules/messages/message-fields.resolver';
import { MessageSearchResolver } from '../modules/messages/message-search.resolver';
import { PinResolver } from '../modules/messages/pin.resolver';
import { ReactionResolver } from '../modules/messages/reaction.resolver';
import { MessageSubscriptionResolver } from '../modules/messages/message.subscriptions';
import { MessageResolver } from '../modules/messages/message.resolver';
import { ReceiptResolver } from '../modules/messages/receipt.resolver';
import { UserFriendshipResolver } from '../modules/users/user-friendship.resolver';
import { PresenceResolver, UserPresenceResolver } from '../modules/users/presence.resolver';
import { UserAvatarResolver } from '../modules/users/user-avatar.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import { DateTimeScalar } from './scalars';
import type { Services } from './services';

/** Each resolver class and how to build it from the services. */
const resolvers = {
  auth: [AuthResolver, (services: Services) => new AuthResolver(services.auth, services.sessions)],
  users: [UserResolver, (services: Services) => new UserResolver(services.users)],
  userAvatar: [UserAvatarResolver, (services: Services) => new UserAvatarResolver(services.fileLinks)],
  friendships: [FriendshipResolver, (services: Services) => new FriendshipResolver(services.friendships)],
  userFriendship: [UserFriendshipResolver, () => new UserFriendshipResolver()],
  chats: [ChatResolver, (services: Services) => new ChatResolver(services.chats, services.chatMembers)],
  chatFields: [ChatFieldsResolver, (services: Services) => new ChatFieldsResolver(services.history, services.pins)],
  chatMemberFields: [ChatMemberFieldsResolver, () => new ChatMemberFieldsResolver()],
  chatSettings: [ChatSettingsResolver, (services: Services) => new ChatSettingsResolver(services.chatSettings)],
  messages: [MessageResolver, (services: Services) => new MessageResolver(services.messages, services.history)],
  messageFields: [MessageFieldsResolver, () => new MessageFieldsResolver()],
  reactionGroupFields: [ReactionGroupFieldsResolver, () => new ReactionGroupFieldsResolver()],
  reactions: [ReactionResolver, (services: Services) => new ReactionResolver(services.reactions)],
  pins: [PinResolver, (services: Services) => new PinResolver(services.pins)],
  messageSearch: [MessageSearchResolver, (services: Services) => new MessageSearchResolver(services.search)],
  attachmentFields: [AttachmentFieldsResolver, (services: Services) => new AttachmentFieldsResolver(services.fileLinks)],
  uploads: [UploadResolver, (services: Services) => new UploadResolver(services.uploads, services.fileLinks)],
  receipts: [ReceiptResolver, (services: Services) => new ReceiptResolver(services.receipts)],
  receiptFields: [ReadReceiptFieldsResolver, () => new ReadReceiptFieldsResolver()],
  messageSubscriptions: [MessageSubscriptionResolver, () => new MessageSubscriptionResolver()],
  typing: [TypingResolver, (services: Services) => new TypingResolver(services.typing)],
  chatUpdates: [ChatUpdatesResolver, () => new ChatUpdatesResolver()],
  presence: [PresenceResolver, () => new PresenceResolver()],
  userPresence: [UserPresenceResolver, () => new UserPresenceResolver()],
  accounts: [AccountResolver, (services: Services) => new AccountResolver(services.emails, services.passwordResets, services.accountDeletion, services.dataExports)],
} as const;

/** Builds the executable schema; without services it can be printed but not executed. */
export async function buildParleySchema(services?: Services): Promise<GraphQLSchema> {
  const instances = new Map<unknown, object>(
    services ? Object.values(resolvers).map(([type, build]) => [type, build(services)]) : [],
  );
  const container: ContainerType = {
    get: (type) => {
      const instance = instances.get(type);
      if (!instance) throw new Error(`No resolver instance for ${String((type as { name?: string }).name)}`);
      return instance;
    },
  };
  const schema = await buildSchema({
    resolvers: Object.values(resolvers).map(([type]) => type) as unknown as [Function, ...Function[]],
    container,
    authChecker,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // Every subscription brings its own `subscribe`; type-graphql still insists on a pubsub.
    pubSub: services?.realtime.bus.pubsub ?? createPubSub(),
  });
  return resolveLiveEventsAsGiven(schema);
}

/**
 * A live event is its subscription field's value as the feed handed it over (every subscription
 * resolver returns its root), resolved in the same call. Left to type-graphql, each event would
 * also run the @Authorized check and the arguments' validation again, asynchronously, for every
 * receiver: both were done when subscribing (`subscribe` keeps the check), and a socket closes the
 * moment its session ends or its token expires.
 */
function resolveLiveEventsAsGiven(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getSubscriptionType()?.getFields() ?? {})) field.resolve = (event: unknown) => event;
  return schema;
}
