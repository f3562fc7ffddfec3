// The fast JSON path (lib/private/object-json.ts) fails loudly under test where it would
// otherwise fall back to cdk8s's toJson() on an error of its own.
process.env.KUBESTACK_STRICT_FAST_PATH ??= '1';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Type checking runs once in `npm test` (tsc --noEmit); jest only transpiles.
  transform: { '^.+\\.ts$': 'ts-jest' },
  // The reference app imports the library by its package name, as a user does (tsconfig.json 'paths').
  moduleNameMapper: { '^kubestack$': '<rootDir>/lib/index.ts', '^kubestack/pulumi$': '<rootDir>/lib/pulumi/index.ts' },
  modulePathIgnorePatterns: ['<rootDir>/examples/', '<rootDir>/build/'],
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};
