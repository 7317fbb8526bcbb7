// Lint rules, chiefly the architecture's import boundaries (see docs/architecture.md):
// infra → activities → lake; workflows import activities by type only; lake imports no Temporal.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const restrict = (patterns, allowTypeImports = false) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    { patterns: patterns.map((p) => ({ ...p, allowTypeImports })) },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.devenir/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        Headers: 'readonly',
        Response: 'readonly',
        FormData: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // The Temporal SDK team's rules: no import cycle (type-only ones included), no promise left floating.
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    settings: {
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [
        createNodeResolver({ extensions: ['.ts', '.js'], extensionAlias: { '.js': ['.ts', '.js'] } }),
      ],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: restrict(
      [
        {
          // activities/errors.ts imports nothing: the failure types are shared by every layer
          group: ['**/activities/**', '!**/activities/errors.js', '**/infra/**', '**/lake/**'],
          message:
            'workflows import activities, infra and lake by type only (import type …): workflow code runs in the Temporal sandbox.',
        },
        {
          group: ['node:*', 'fs', 'path', 'crypto', 'os', '@duckdb/*', '@aws-sdk/*', 'pino'],
          message: 'no I/O in workflow code: do it in an activity.',
        },
      ],
      true,
    ),
  },
  {
    files: ['lake/**/*.ts'],
    rules: restrict([
      { group: ['@temporalio/*'], message: 'lake/ must be usable without Temporal.' },
      {
        group: ['**/activities/**', '!**/activities/errors.js', '**/workflows/**', '**/infra/**'],
        message: 'lake/ is the bottom layer: it imports nothing of devenir above it (but the failure types).',
      },
    ]),
  },
  {
    files: ['activities/**/*.ts'],
    rules: restrict(
      [
        {
          group: ['**/infra/**', '**/workflows/**'],
          message:
            'activities do not import infra (the composition root) or workflows; take what you need from ActivityDeps.',
        },
      ],
      true,
    ),
  },
  {
    files: ['activities/errors.ts'],
    rules: restrict([
      { group: ['*', '**/*'], message: 'activities/errors.ts imports nothing: every layer, workflows too, uses it.' },
    ]),
  },
);
