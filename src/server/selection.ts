import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * The dotted paths of every field the operation selects below this field's items, fragments
 * included: for `chats { nodes { members { user { id } } } }`, the resolver of `chats` gets
 * `members`, `members.user`, `members.user.id`. Connection wrappers (`nodes`, `edges.node`) are
 * looked through, so a list service can read what its page needs in the same statement.
 */
export function selectedPaths(info: GraphQLResolveInfo): Set<string> {
  const paths = new Set<string>();
  for (const field of info.fieldNodes) collect(field.selectionSet, '', info.fragments, paths, true);
  return paths;
}

function collect(
  selectionSet: SelectionSetNode | undefined,
  prefix: string,
  fragments: Record<string, FragmentDefinitionNode>,
  paths: Set<string>,
  connection: boolean,
): void {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === 'InlineFragment') {
      collect(selection.selectionSet, prefix, fragments, paths, connection);
    } else if (selection.kind === 'FragmentSpread') {
      collect(fragments[selection.name.value]?.selectionSet, prefix, fragments, paths, connection);
    } else {
      collectField(selection, prefix, fragments, paths, connection);
    }
  }
}

function collectField(field: FieldNode, prefix: string, fragments: Record<string, FragmentDefinitionNode>, paths: Set<string>, connection: boolean): void {
  const name = field.name.value;
  if (connection && (name === 'nodes' || name === 'node')) return collect(field.selectionSet, prefix, fragments, paths, false);
  if (connection && name === 'edges') return collect(field.selectionSet, prefix, fragments, paths, true);
  if (connection) return;
  const path = prefix ? `${prefix}.${name}` : name;
  paths.add(path);
  collect(field.selectionSet, path, fragments, paths, false);
}
