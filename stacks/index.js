'use strict';
// The entry point Pulumi runs (Pulumi.yaml `main: stacks/index.js`, runtime option `typescript: false`):
// the program is TypeScript (stacks/index.ts), loaded through the project's own transpile hook,
// which also resolves 'kubestack' and 'kubestack/pulumi' to the library's sources, as
// tsconfig.json's `paths` do for the type checker. So `pulumi up` needs no build, no ts-node and no
// PULUMI_NODEJS_TSCONFIG_PATH; type checking is `npm test`'s job. A user's own project, which
// installs kubestack from npm, needs none of this (see examples/orders).
require('../scripts/ts-register');
module.exports = require('./index.ts');
