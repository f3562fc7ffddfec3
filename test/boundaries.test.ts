/**
 * The package boundaries are enforced by ESLint (eslint.config.mjs), not by hope: these tests lint
 * small snippets as if they were files of each folder, with the project's own configuration.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');

/** The boundary messages ESLint reports for `code` as the file `file` (ESLint in a process of its own: its config is an ES module). */
async function restricted(file: string, code: string): Promise<string[]> {
  const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'eslint'), ['--stdin', '--stdin-filename', file, '--format', 'json'], {
    cwd: ROOT,
    input: code,
    encoding: 'utf8',
  });
  const [result] = JSON.parse(r.stdout) as { messages: { ruleId: string; message: string }[] }[];
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

describe('package boundaries', () => {
  test.each([
    ['apps/x.ts', "import { ValidationError } from '../lib';"],
    ['apps/x.ts', "import { checkUid } from '../lib/private/validate';"],
    ['stacks/x.ts', "import { ChartResources } from '../lib/pulumi';"],
    ['e2e/x.ts', "import { Environment } from '../lib/environment';"],
    ['bench/x.ts', "import { Environment } from '../build/index';"],
    ['test/x.test.ts', "import { Environment } from '../lib';"],
    ['test/stacks/x.test.ts', "import { planObjects } from '../../lib/pulumi/plan';"],
  ])('fail for %s importing the library by path: %s', async (file, code) => {
    expect(await restricted(file, `${code}\nexport {};\n`)).toEqual([
      "'" +
        code.split("'")[1] +
        "' import is restricted from being used by a pattern. Import the library through its public entry points, 'kubestack' and 'kubestack/pulumi', as a user's project does.",
    ]);
  });

  test.each([
    ['apps/x.ts', "import { Environment } from 'kubestack';"],
    ['stacks/x.ts', "import { ChartResources } from 'kubestack/pulumi';"],
    ['test/x.test.ts', "import { contentHash } from '../lib/private/hash';"],
  ])('allow %s: %s', async (file, code) => {
    expect(await restricted(file, `${code}\nexport {};\n`)).toEqual([]);
  });

  test('keep the main entry point free of the optional Pulumi peers, and lib/ free of its consumers', async () => {
    expect(await restricted('lib/x.ts', "import * as pulumi from '@pulumi/pulumi';\nexport {};\n")).toHaveLength(1);
    expect(await restricted('lib/x.ts', "import { main } from '../apps/main';\nexport {};\n")).toHaveLength(1);
    expect(await restricted('lib/pulumi/x.ts', "import * as pulumi from '@pulumi/pulumi';\nexport {};\n")).toEqual([]);
    expect(await restricted('lib/pulumi/x.ts', "import { buildEnvironment } from '../../apps/main';\nexport {};\n")).toHaveLength(1);
  });
});
