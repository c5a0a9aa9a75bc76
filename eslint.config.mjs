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
    // Plain-Node scripts that run before anything is compiled (npm pretest, the build's asset copy).
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
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
          patterns: [
            // Relative paths only: packages have folders of these names too (@modelcontextprotocol/sdk/server/…).
            { regex: '^(\\.\\./)+(server|app-links|simulator|scripts|bench|test)(/|$)', message: 'kit/ depends on nothing of the service: move what you need into kit/.' },
            // A company brings its own express: the kit may name its types (kit/tokens/express.ts), never load it.
            { regex: '^(express|ioredis|pino|prom-client|helmet|cookie-parser)(/|$)', allowTypeImports: true, message: 'kit/ does not depend on the service\'s frameworks.' },
          ],
        },
      ],
    },
  },
  {
    // A domain module does not import the diagnostics that observe it: it owns an observer interface and
    // server/hot-routes.ts passes server/ops/'s implementation in (test/kit/dependency-direction.test.ts too).
    files: ['server/{oauth,skill,identity,accounts,store}/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+ops(/|$)', message: 'server/ops/ observes this module: define an observer interface here and let the composition root (server/hot-routes.ts) pass the ops adapter in.' },
          ],
        },
      ],
    },
  },
);
