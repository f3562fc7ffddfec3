import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..');

/** Where a parsed document is a Secret carrying values: `<file>#<doc>: Secret <name> has data`. */
function secretsWithData(file: string, text: string): string[] {
  const docs: unknown[] = [];
  if (file.endsWith('.json')) {
    try {
      docs.push(JSON.parse(text));
    } catch {
      return [];
    }
  } else {
    for (const d of parseAllDocuments(text)) docs.push(d.toJS({ maxAliasCount: -1 }));
  }
  const found: string[] = [];
  const visit = (value: unknown, where: string): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, `${where}[${i}]`));
    if (typeof value !== 'object' || value === null) return;
    const o = value as Record<string, unknown>;
    if (o.kind === 'Secret') {
      for (const field of ['data', 'stringData']) {
        const v = o[field];
        if (v && typeof v === 'object' && Object.keys(v).length > 0) {
          found.push(`${file}${where}: Secret ${String((o.metadata as Record<string, unknown> | undefined)?.name)} has ${field}`);
        }
      }
    }
    // Lists (kind: List) and wrappers: look inside every nested value.
    for (const [k, v] of Object.entries(o)) if (typeof v === 'object') visit(v, `${where}.${k}`);
  };
  docs.forEach((d, i) => visit(d, `#${i}`));
  return found;
}

/** Tracked and new (not ignored) YAML and JSON files of the repository. */
function repoManifestFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\0')
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !/(^|\/)package-lock\.json$/.test(f))
    .filter((f) => fs.existsSync(path.join(ROOT, f)) && fs.statSync(path.join(ROOT, f)).size < 5_000_000);
}

describe('secret hygiene', () => {
  test('no synthesized manifest under dist/ contains a Secret with data', () => {
    // GIVEN every golden manifest
    const files = fs.readdirSync(path.join(ROOT, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    // THEN none carries a Secret value
    const found = files.flatMap((f) => secretsWithData(`dist/${f}`, fs.readFileSync(path.join(ROOT, 'dist', f), 'utf8')));
    expect(found).toEqual([]);
  });

  test('no YAML or JSON file of the repository contains a Secret with data', () => {
    const files = repoManifestFiles();
    expect(files).toContain('dist/prod/three-tier.k8s.yaml');
    const found = files.flatMap((f) => secretsWithData(f, fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(found).toEqual([]);
  });

  test('fails a Secret with data or stringData, also inside a List or after other documents', () => {
    const yaml = [
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}',
      'apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Secret, metadata: {name: tls}, data: {tls.key: eA==}}',
      'apiVersion: v1\nkind: Secret\nmetadata: {name: empty}\ntype: kubernetes.io/service-account-token',
    ].join('\n---\n');
    expect(secretsWithData('x.yaml', yaml)).toEqual(['x.yaml#1: Secret db has stringData', 'x.yaml#2.items[0]: Secret tls has data']);
    expect(secretsWithData('x.json', JSON.stringify({ kind: 'Secret', metadata: { name: 'j' }, data: { k: 'dg==' } }))).toEqual([
      'x.json#0: Secret j has data',
    ]);
  });
});
