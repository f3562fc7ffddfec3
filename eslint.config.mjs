// ESLint (flat config): the recommended JavaScript and TypeScript rules over the project's code,
// and the package boundaries (ARCHITECTURE.md "Boundaries").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Relative imports of the library's sources, which only lib/ itself may use. */
const LIBRARY_SOURCES = {
  group: ['**/lib', '**/lib/*', '**/lib/**', '**/build/**'],
  message: "Import the library through its public entry points, 'kubestack' and 'kubestack/pulumi', as a user's project does.",
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'build/**',
      'dist/**',
      'coverage/**',
      'bench/results/**',
      'docs/api/**',
      'examples/*/node_modules/**',
      'examples/*/dist/**',
      'examples/*/build/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The reference app, its Pulumi program, the e2e, the benchmark and the examples are consumers.
    files: ['apps/**/*.ts', 'stacks/**/*.ts', 'e2e/**/*.ts', 'bench/**/*.ts', 'examples/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [LIBRARY_SOURCES] }] },
  },
  {
    // Tests use the public entry points too; unit tests of a private module (lib/private/*) may import it.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+(lib(/(?!private/).*)?|build(/.*)?)$', message: LIBRARY_SOURCES.message }] },
      ],
    },
  },
  {
    // The library: nothing from its consumers; the main entry point never loads the optional Pulumi peers.
    files: ['lib/**/*.ts'],
    ignores: ['lib/pulumi/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/**', '**/stacks/**', '**/e2e/**', '**/bench/**', '**/test/**', '**/examples/**'],
              message: 'lib/ must not import its consumers.',
            },
            { group: ['@pulumi/*'], message: "Only lib/pulumi/ (the 'kubestack/pulumi' entry point) may load the optional Pulumi peers." },
            {
              regex: '^cdk8s-plus-28$',
              message:
                "Import cdk8s-plus-28's generated L1 module (import * as k8s from 'cdk8s-plus-28/lib/imports/k8s'): its index also loads every L2 construct, which no synthesis uses (about 45 ms of every process).",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/pulumi/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/apps/**', '**/stacks/**', '**/e2e/**', '**/bench/**', '**/test/**', '**/examples/**'],
              message: 'lib/ must not import its consumers.',
            },
          ],
        },
      ],
    },
  },
);
