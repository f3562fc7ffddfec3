#!/usr/bin/env node
'use strict';
// Entry point of `npm run synth` and `npx cdk8s synth` (see cdk8s.yaml).
require('./ts-register');
try {
  require('../apps/main.ts').main();
} catch (err) {
  // Our own errors (a policy violation, a bad prop) carry everything the user needs in their
  // message: print it without a stack trace. Anything else is a bug and keeps its stack.
  if (err && (err.name === 'PolicyViolationError' || err.name === 'ValidationError' || err.name === 'EnvironmentValidationError')) {
    process.stderr.write(`synth failed: ${err.message}\n`);
    process.exitCode = 1;
  } else {
    throw err;
  }
}
