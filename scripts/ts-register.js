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
    // Write then rename, so that a parallel process never reads a half-written file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, cached);
  } catch {
    // a read-only tree still works, just without the cache
  }
  return out;
}

// The reference app (apps/, stacks/), the e2e and the benchmark import the library the way a user
// does, as 'kubestack' and 'kubestack/pulumi'. Inside this repository those names resolve to the
// TypeScript sources (as tsconfig.json 'paths' and jest's moduleNameMapper do), so that synthesis
// needs no build; the published package resolves them through its 'exports' map to build/.
const root = path.join(__dirname, '..');
const ENTRY_POINTS = {
  kubestack: path.join(root, 'lib', 'index.ts'),
  'kubestack/pulumi': path.join(root, 'lib', 'pulumi', 'index.ts'),
};
const Module = require('module');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  const entry = Object.prototype.hasOwnProperty.call(ENTRY_POINTS, request) ? ENTRY_POINTS[request] : undefined;
  const from = parent && parent.filename;
  // Only for this repository's own files: a project under examples/ installs the packed tarball.
  if (
    entry &&
    from &&
    from.startsWith(root + path.sep) &&
    !from.includes(`${path.sep}node_modules${path.sep}`) &&
    !from.startsWith(path.join(root, 'examples') + path.sep)
  ) {
    return entry;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function (module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(transpile(source, filename), filename);
};

// `node scripts/ts-register.js` fills the cache
// ahead of time, so that even the first `npm run synth` after a fresh install is warm.
if (require.main === module) {
  try {
    require.resolve('typescript');
  } catch {
    // Installed without dev dependencies (npm ci --omit=dev): nothing to warm, nothing to fail.
    console.log('ts-register: typescript is not installed; the transpile cache is filled on first use');
    process.exit(0);
  }
  let count = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        transpile(fs.readFileSync(full, 'utf8'), full);
        count++;
      }
    }
  };
  for (const dir of ['lib', 'apps', 'stacks', 'bench']) {
    if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
  }
  console.log(`ts-register: ${count} TypeScript files transpiled into ${path.relative(root, cacheDir)}`);
}
