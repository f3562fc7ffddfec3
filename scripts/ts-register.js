'use strict';
// A tiny require hook that runs the project's TypeScript without type checking, so that
// synthesis stays fast. Type checking is `npm run typecheck` (part of `npm test`).
// Transpiled output is cached by content hash under node_modules/.cache, so a warm run
// never loads the TypeScript compiler at all.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const cacheDir = path.join(__dirname, '..', 'node_modules', '.cache', 'kubestack-ts');
let ts; // loaded lazily: only on a cache miss

function transpile(source, filename) {
  const key = crypto.createHash('sha256').update(source).update(filename).digest('hex').slice(0, 32);
  const cached = path.join(cacheDir, key + '.js');
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // cache miss
  }
  ts = ts || require('typescript');
  const out = ts.transpileModule(source, {
    fileName: filename,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      esModuleInterop: true,
      inlineSourceMap: true,
    },
  }).outputText;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(cached, out);
  } catch {
    // a read-only tree still works, just without the cache
  }
  return out;
}

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(transpile(source, filename), filename);
};
