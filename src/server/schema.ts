import type { GraphQLSchema } from 'graphql';
import { buildSchema, type ContainerType } from 'type-graphql';
import { authChecker } from '../auth/auth-checker';
import { AuthResolver } from '../modules/auth/auth.resolver';
import { UserResolver } from '../modules/users/user.resolver';
import { DateTimeScalar } from './scalars';
import type { Services } from './services';

/** Each resolver class and how to build it from the services. */
const resolvers = {
  auth: [AuthResolver, (services: Services) => new AuthResolver(services.auth, services.sessions)],
  users: [UserResolver, (services: Services) => new UserResolver(services.users)],
} as const;

/** Builds the executable schema; without services it can be printed but not executed. */
export function buildParleySchema(services?: Services): Promise<GraphQLSchema> {
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
  return buildSchema({
    resolvers: Object.values(resolvers).map(([type]) => type) as unknown as [Function, ...Function[]],
    container,
    authChecker,
    validate: { forbidUnknownValues: false },
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
  });
}
