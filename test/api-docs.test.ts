/**
 * The API reference is generated from the TSDoc (npm run docs, TypeDoc with validation.notDocumented
 * as an error). This test holds the rule TypeDoc cannot check: every optional field of an exported
 * interface of the public entry points says what happens when it is left out, with `@default`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const LIB = path.join(ROOT, 'lib');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? (e.name === 'private' ? [] : sources(path.join(dir, e.name))) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** `Interface.field` of every optional property of an exported interface that has no @default tag. */
function optionalWithoutDefault(file: string): string[] {
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isInterfaceDeclaration(node) && node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member) || member.questionToken === undefined) continue;
        const tags = ts.getJSDocTags(member).map((t) => t.tagName.text);
        if (!tags.includes('default')) out.push(`${path.relative(LIB, file)}: ${node.name.text}.${member.name.getText(sf)}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

describe('the public API documentation', () => {
  test('gives every optional prop of an exported interface a @default', () => {
    expect(sources(LIB).flatMap(optionalWithoutDefault)).toEqual([]);
  });

  test('the check finds an optional prop without @default', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'api-docs-')), 'x.ts');
    fs.writeFileSync(
      file,
      'export interface P {\n  /** documented, but no default */\n  readonly a?: number;\n  /** @default 2 */\n  readonly b?: number;\n}\n',
    );
    expect(optionalWithoutDefault(file).map((s) => s.split(': ')[1])).toEqual(['P.a']);
  });

  test('the committed API reference (docs/api) is what TypeDoc generates now, with no undocumented member', () => {
    // TypeDoc runs with validation.notDocumented and treatWarningsAsErrors (typedoc.json)
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'api-'));
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'typedoc'), ['--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.stdout.split('\n').filter((l) => /warning|error/.test(l) && !/Found 0 errors and 0 warnings/.test(l))).toEqual([]);
    expect(r.status).toBe(0);
    const files = (dir: string): string[] =>
      fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
        .sort();
    const committed = path.join(ROOT, 'docs', 'api');
    expect(files(committed)).toEqual(files(out));
    for (const f of files(out)) expect([f, fs.readFileSync(path.join(committed, f), 'utf8')]).toEqual([f, fs.readFileSync(path.join(out, f), 'utf8')]);
  }, 200_000);
});
