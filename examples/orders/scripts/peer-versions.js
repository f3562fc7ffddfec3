#!/usr/bin/env node
'use strict';
// Prints `name@version` for each peer dependency that a kubestack package claims, at one end of
// its range: `lowest` or `newest` of the versions the registry serves within the range, among
// those whose `engines.node` admits this Node. Versions skipped for their engines go to stderr.
//
//   node scripts/peer-versions.js <kubestack package.json> lowest|newest
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const semver = require('semver');

const [file, end] = process.argv.slice(2);
if (!file || !['lowest', 'newest'].includes(end)) {
  process.stderr.write('usage: peer-versions.js <package.json> lowest|newest\n');
  process.exit(2);
}
const peers = JSON.parse(fs.readFileSync(file, 'utf8')).peerDependencies ?? {};
const out = [];
for (const [name, range] of Object.entries(peers)) {
  const json = execFileSync('npm', ['view', `${name}@${range}`, 'version', 'engines', '--json'], { encoding: 'utf8' });
  // One object per version, a bare version when no version in the range has `engines`; not an array for one match.
  const entries = [].concat(JSON.parse(json)).map((e) => (typeof e === 'string' ? { version: e } : e));
  const runs = (e) => !e.engines?.node || semver.satisfies(process.version, e.engines.node);
  const usable = entries
    .filter(runs)
    .map((e) => e.version)
    .sort(semver.compare);
  const skipped = entries.filter((e) => !runs(e));
  if (skipped.length > 0) {
    const needs = [...new Set(skipped.map((e) => e.engines.node))].join(', ');
    process.stderr.write(
      `note: ${name}@${range}: ${skipped.length} versions need Node ${needs} (this is ${process.version}); testing ${usable.at(-1) ?? 'none'} as newest\n`,
    );
  }
  if (usable.length === 0) throw new Error(`${name}@${range}: no published version runs on Node ${process.version}`);
  out.push(`${name}@${end === 'lowest' ? usable[0] : usable.at(-1)}`);
}
process.stdout.write(out.join(' ') + '\n');
