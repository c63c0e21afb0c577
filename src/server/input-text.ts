import type { ApolloServerPlugin } from '@apollo/server';
import {
  type ArgumentNode,
  type DirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { BadInputError } from '../errors/errors';

/**
 * One rule for every string a client sends, checked where it enters (HTTP, socket operations,
 * connectionParams): no U+0000 (PostgreSQL cannot store it in text) and no unpaired surrogate
 * (it would be stored as U+FFFD, silently changing what was sent).
 */
export function textProblem(text: string): string | undefined {
  if (text.includes('\0')) return 'must not contain NUL characters (U+0000)';
  if (!text.isWellFormed()) return 'must be well-formed Unicode (it contains an unpaired surrogate)';
  return undefined;
}

/** Input values nest a few levels in this schema; anything deeper is refused before it is walked. */
export const MAX_INPUT_DEPTH = 32;

type Segment = string | number;

/** Where a value sits: the argument, and the path inside it (input fields, list indices). */
interface Place {
  argument: string;
  inside: Segment[];
}

interface Problem {
  field: string;
  message: string;
}

/** What an operation's document says once and for all: its first bad literal, and where each variable goes. */
interface Plan {
  literal: Problem | undefined;
  variables: [name: string, place: Place][];
}

/**
 * The field a problem is reported on, as the other input errors name it: the path inside an input
 * object (`body`, `attachments.0.url`), or the argument itself for scalars and lists (`search`, `userIds.1`).
 */
function fieldName(place: Place, more: readonly Segment[] = []): string {
  const inside = more.length > 0 ? [...place.inside, ...more] : place.inside;
  return inside.length === 0 || typeof inside[0] === 'number' ? [place.argument, ...inside].join('.') : inside.join('.');
}

// Apollo keeps one parsed document per query text, so an operation is planned once, not per request.
const plans = new WeakMap<OperationDefinitionNode, Plan>();

function planFor(document: DocumentNode, operation: OperationDefinitionNode): Plan {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const usages = new Map<string, Place>();
  let literal: Problem | undefined;

  const visitValue = (value: ValueNode, place: Place): void => {
    if (value.kind === Kind.STRING) {
      const message = literal ? undefined : textProblem(value.value);
      if (message) literal = { field: fieldName(place), message };
    } else if (value.kind === Kind.VARIABLE) {
      if (!usages.has(value.name.value)) usages.set(value.name.value, place);
    } else if (value.kind === Kind.LIST) {
      value.values.forEach((item, index) => visitValue(item, { argument: place.argument, inside: [...place.inside, index] }));
    } else if (value.kind === Kind.OBJECT) {
      for (const field of value.fields) visitValue(field.value, { argument: place.argument, inside: [...place.inside, field.name.value] });
    }
  };
  const visitArguments = (args: readonly (ArgumentNode | DirectiveNode)[] | undefined): void => {
    for (const node of args ?? []) {
      if (node.kind === Kind.DIRECTIVE) visitArguments(node.arguments);
      else visitValue(node.value, { argument: node.name.value, inside: [] });
    }
  };
  const spread = new Set<string>();
  const visitSelections = (selectionSet: SelectionSetNode | undefined): void => {
    for (const selection of selectionSet?.selections ?? []) {
      visitArguments(selection.directives);
      if (selection.kind === Kind.FIELD) {
        visitArguments(selection.arguments);
        visitSelections(selection.selectionSet);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visitSelections(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        visitArguments(fragment?.directives);
        visitSelections(fragment?.selectionSet);
      }
    }
  };
  visitArguments(operation.directives);
  visitSelections(operation.selectionSet);

  const variables = (operation.variableDefinitions ?? []).map((definition): [string, Place] => {
    const name = definition.variable.name.value;
    const place = usages.get(name) ?? { argument: name, inside: [] };
    // A variable the request leaves out runs with its default.
    if (definition.defaultValue) visitValue(definition.defaultValue, place);
    return [name, place];
  });
  return { literal, variables };
}

/** The path to the first string in `value` that breaks the rule, and why; undefined when there is none. */
function findProblem(value: unknown, depth: number): { path: Segment[]; message: string } | undefined {
  if (typeof value === 'string') {
    const message = textProblem(value);
    return message ? { path: [], message } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  if (depth >= MAX_INPUT_DEPTH) return { path: [], message: `must not nest more than ${MAX_INPUT_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) {
      const found = findProblem(value[index], depth + 1);
      if (found) return { path: [index, ...found.path], message: found.message };
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const found = findProblem((value as Record<string, unknown>)[key], depth + 1);
    if (found) return { path: [key, ...found.path], message: found.message };
  }
  return undefined;
}

/** The first string of the operation (literal or variable) that breaks the rule, named by its field. */
export function inputTextProblem(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): BadInputError | undefined {
  let plan = plans.get(operation);
  if (!plan) {
    plan = planFor(document, operation);
    plans.set(operation, plan);
  }
  if (plan.literal) return new BadInputError(plan.literal.field, `${plan.literal.field} ${plan.literal.message}.`);
  if (!variables) return undefined;
  for (const [name, place] of plan.variables) {
    const found = findProblem(variables[name], 0);
    if (found) {
      const field = fieldName(place, found.path);
      return new BadInputError(field, `${field} ${found.message}.`);
    }
  }
  return undefined;
}

/** The connectionParams of a socket: the first string that breaks the rule, named `connectionParams.<key>`. */
export function connectionParamsProblem(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const found = findProblem(params, 0);
  return found && `connectionParams${found.path.map((segment) => `.${segment}`).join('')} ${found.message}.`;
}

/** The rule over HTTP, before execution; refused operations answer 400, like other input Apollo refuses. */
export const inputTextPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, operation, request }) {
        if (!operation) return;
        const problem = inputTextProblem(document, operation, request.variables);
        if (problem) {
          throw new GraphQLError(problem.message, { extensions: { ...problem.extensions, http: { status: 400 } } });
        }
      },
    };
  },
};
