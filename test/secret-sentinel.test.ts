/**
 * Sentinel secrets: known, unique values set as secret Pulumi config, then the Pulumi program runs
 * under mocks for every stack. The values must reach the cluster only as secret inputs: never in a
 * synthesized file, never in a plain resource input or stack output, never in log output.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  PROJECT,
  ProgramRun,
  ROOT,
  STACKS,
  StackName,
  fullConfig,
  isSecretWrapper,
  plainOccurrences,
  runProgram,
  secretsFor,
  withConfig,
} from './stacks/harness';

const NONCE = randomBytes(6).toString('hex');

/** One sentinel per Secret key of the stack: `sentinel-<nonce>-<secret>-<key>`. */
function sentinels(stack: StackName): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [name, keys] of Object.entries(secretsFor(stack))) {
    out[name] = Object.fromEntries(Object.keys(keys).map((k) => [k, `sentinel-${NONCE}-${name}-${k}`]));
  }
  return out;
}

/** Every string inside a secret wrapper in `v`. */
function secretStrings(v: unknown, inSecret = false): string[] {
  if (isSecretWrapper(v)) return secretStrings(v.value, true);
  if (typeof v === 'string') return inSecret ? [v] : [];
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap((x) => secretStrings(x, inSecret));
  return [];
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile());
}

/** Runs `f` while recording everything written to stdout, stderr and the console. */
async function capture<T>(f: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const saved = methods.map((m) => console[m]);
  const record = (chunk: unknown): boolean => {
    chunks.push(String(chunk));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  methods.forEach((m) => (console[m] = (...args: unknown[]) => void chunks.push(args.map(String).join(' '))));
  try {
    return { result: await f(), output: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    methods.forEach((m, i) => (console[m] = saved[i]));
  }
}

describe.each(STACKS)('sentinel secrets in stack %s', (stack) => {
  const values = sentinels(stack);
  const registryPassword = `sentinel-${NONCE}-registry-password`;
  const needles = [...Object.values(values).flatMap((v) => Object.values(v)), registryPassword];
  let run: ProgramRun;
  let output: string;
  let outputs: unknown;

  beforeAll(async () => {
    // GIVEN the stack's config with a sentinel for every secret value
    const base = fullConfig(stack);
    const changes: Record<string, string> = { [`${PROJECT}:secrets`]: JSON.stringify(values) };
    if (base.values[`${PROJECT}:registryPassword`] !== undefined) changes[`${PROJECT}:registryPassword`] = registryPassword;
    // WHEN the program runs under mocks, with every line it logs recorded
    const captured = await capture(() => runProgram(stack, withConfig(base, changes)));
    run = captured.result;
    output = captured.output;
    outputs = await new Promise((resolve) => run.pulumi.output(run.program as Record<string, unknown>).apply(resolve));
  });

  test('reaches the cluster: each sentinel is the value of a secret input of its Secret', () => {
    // Without this, a program that dropped the values would pass every test below.
    const secretInputs = run.resources.filter((r) => r.inputs.kind === 'Secret').flatMap((r) => secretStrings(r.inputs.stringData));
    for (const name of Object.keys(values)) for (const v of Object.values(values[name])) expect(secretInputs).toContain(v);
  });

  test('appears in no resource input that is not marked secret', () => {
    const plain = run.resources.flatMap((r) => plainOccurrences(r.inputs, needles).map((p) => `${r.type} ${r.name} ${p}`));
    expect(plain).toEqual([]);
  });

  test('appears in no stack output that is not marked secret', () => {
    expect(plainOccurrences(outputs, needles)).toEqual([]);
  });

  test('appears in no log output', () => {
    expect(needles.filter((n) => output.includes(n))).toEqual([]);
  });

  test('appears in no synthesized file', () => {
    const files = [...filesUnder(path.join(ROOT, 'dist')), ...filesUnder(path.join(ROOT, 'build'))];
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => needles.some((n) => fs.readFileSync(f, 'utf8').includes(n)))).toEqual([]);
  });
});

test('fails a plain sentinel: the search finds one outside a secret wrapper and in logs, and none inside', async () => {
  const needle = `sentinel-${NONCE}-check`;
  const { output } = await capture(async () => {
    console.warn('leak', needle);
    process.stderr.write(`${needle}\n`);
  });
  expect(output.split(needle)).toHaveLength(3);
  expect(plainOccurrences({ env: [{ name: 'DB_PASS', value: needle }] }, [needle])).toEqual(['$.env[0].value']);
  expect(
    plainOccurrences({ stringData: { password: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', value: needle } } }, [needle]),
  ).toEqual([]);
});
