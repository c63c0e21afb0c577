// Typed operations for the client (`npm run codegen`, also run by the root `npm install` and by
// every web build): the client preset reads the `graphql()` calls in src/ and writes src/gql/,
// whose `graphql()` returns a TypedDocumentNode that Apollo Client's hooks infer types from.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  // The schema Parley emits from its code (`npm run schema:emit` at the repository root).
  schema: '../schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**'],
  // The Docker image installs before it copies src/: generate nothing rather than fail then.
  ignoreNoDocuments: true,
  generates: {
    './src/gql/': {
      preset: 'client',
      // Components read the fields their own operations select; no fragment masking to unwrap.
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { DateTime: 'string' },
        strictScalars: true,
        useTypeImports: true,
        enumType: 'string-literal',
        // The settings Apollo Client's guide recommends: null (not undefined) for nullable
        // fields, __typename always present (the cache adds it), none on root types.
        avoidOptionals: { field: true, inputValue: false },
        nonOptionalTypename: true,
        skipTypeNameForRoot: true,
      },
    },
  },
};

export default config;
