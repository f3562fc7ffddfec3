#!/usr/bin/env node
'use strict';
// Entry point of `npm run synth` and `npx cdk8s synth` (see cdk8s.yaml).
require('./ts-register');
require('../apps/main.ts').main();
