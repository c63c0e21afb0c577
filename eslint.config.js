import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'src/generated/', 'test/generated/', 'data/', 'coverage/', 'test-results/', 'web/dist/', 'web/src/gql/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // type-graphql's decorators need runtime class references, imported as values.
      '@typescript-eslint/consistent-type-imports': 'off',
      // type-graphql's ClassType and resolver lists are typed as Function.
      '@typescript-eslint/no-unsafe-function-type': 'off',
    },
  },
  // The web client: React's rules of hooks, and type-only imports kept apart (no decorators there).
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat['recommended-latest'],
    rules: {
      ...reactHooks.configs.flat['recommended-latest'].rules,
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
