import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    // The kit is what a company imports: it depends on nothing of the service (store, settings, ops,
    // express app); the service depends on the kit, never the other way.
    files: ['kit/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          // Exact package names (a pattern would also match the kit's own ./express module). express's types
          // may be named (linkwright/tokens' middleware): a type import costs nothing at run time.
          paths: ['express', 'ioredis', 'pino', 'prom-client', 'helmet', 'cookie-parser'].map((name) => ({ name, message: 'kit/ does not depend on the service\'s frameworks.', allowTypeImports: name === 'express' })),
          patterns: [
            { group: ['**/server', '**/server/**', '**/app-links', '**/app-links/**', '**/simulator/**', '**/scripts/**', '**/bench/**', '**/test/**'], message: 'kit/ depends on nothing of the service: move what you need into kit/.' },
          ],
        },
      ],
    },
  },
);
