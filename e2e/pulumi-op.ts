/**
 * One Pulumi operation on the real engine, for e2e/run.ts (one fresh Node process per operation,
 * so that stacks/index.ts runs from scratch every time, as it does under the CLI).
 *
 *   node -r ./scripts/ts-register.js e2e/pulumi-op.ts <workDir> <stack> preview|up|up-no-changes|destroy
 *
 * Why the Automation API: the CLI runs a `runtime: nodejs` program through the
 * `pulumi-language-nodejs` plugin, which cannot be built here (kit/README.md: the module proxy
 * serves no version of it). The Automation API's inline mode serves the language runtime from this
 * Node process and runs the real `pulumi` CLI (`pulumi up --yes --skip-preview --client=<addr>
 * --stack <stack> ...`), so everything else is real: CLI, engine, state backend, secrets
 * encryption, the kubernetes provider plugin, and the program, which is stacks/index.ts itself.
 *
 * <workDir> holds a copy of Pulumi.yaml and the per-run Pulumi.<stack>.yaml (see e2e/run.ts).
 * Prints the CLI's own output; exits non-zero when the operation fails.
 */
import * as path from 'path';
import { LocalWorkspace, PulumiCommand } from '@pulumi/pulumi/automation';

const ROOT = path.join(__dirname, '..');
const OPS = ['preview', 'up', 'up-no-changes', 'destroy'] as const;
type Op = (typeof OPS)[number];

async function main(): Promise<void> {
  const [workDir, stackName, op] = process.argv.slice(2) as [string, string, Op];
  if (!workDir || !stackName || !(OPS as readonly string[]).includes(op)) {
    console.error(`usage: pulumi-op.ts <workDir> <stack> ${OPS.join('|')}`);
    process.exit(2);
  }
  // The program: stacks/index.ts, loaded as the nodejs language host would load `main: stacks/`.
  // Its exports are the stack outputs.
  const program = async () => {
    const mod = require(path.join(ROOT, 'stacks')) as Record<string, unknown>; // eslint-disable-line @typescript-eslint/no-require-imports
    return { ...mod };
  };
  const pulumiCommand = await PulumiCommand.get(); // the `pulumi` on PATH (the kit's), version-checked
  const stack = await LocalWorkspace.selectStack({ stackName, projectName: 'three-tier', program }, { workDir, pulumiCommand });
  const out = (s: string) => process.stdout.write(s);
  const err = (s: string) => process.stderr.write(s);
  switch (op) {
    case 'preview': {
      const r = await stack.preview({ onOutput: out, onError: err, diff: false });
      console.log(`\n#result ${JSON.stringify({ changeSummary: r.changeSummary })}`);
      break;
    }
    case 'up':
    case 'up-no-changes': {
      const r = await stack.up({ onOutput: out, onError: err, expectNoChanges: op === 'up-no-changes' });
      const outputs = Object.fromEntries(Object.entries(r.outputs).map(([k, v]) => [k, v.secret ? '[secret]' : v.value]));
      console.log(`\n#result ${JSON.stringify({ resourceChanges: r.summary.resourceChanges, outputs })}`);
      break;
    }
    case 'destroy': {
      const r = await stack.destroy({ onOutput: out, onError: err });
      console.log(`\n#result ${JSON.stringify({ resourceChanges: r.summary.resourceChanges })}`);
      break;
    }
  }
}

main().catch((e: unknown) => {
  // CommandError carries the CLI's stderr; print it once, without the Node stack trace.
  console.error(`pulumi-op: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
