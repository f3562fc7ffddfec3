/**
 * Runs the Pulumi program (stacks/index.ts) under `pulumi.runtime.setMocks`, the way the CLI would
 * run it for one stack, and records every resource it registers.
 *
 * Config: the language host passes config to the program as one JSON object of fully qualified
 * keys whose values are strings (objects and lists JSON-encoded), plus the list of secret keys.
 * In @pulumi/pulumi 3.248 the runtime reads PULUMI_CONFIG only once, when its store is created, so
 * setting the environment variable in a test has no effect after the first import; the supported
 * way is `pulumi.runtime.setAllConfig(values, secretKeys)`, which writes the store directly.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as Pulumi from '@pulumi/pulumi';
import { parse, parseAllDocuments } from 'yaml';
import { buildEnvironment } from '../../apps/main';

export const ROOT = path.join(__dirname, '..', '..');

// Every fresh copy of @pulumi/pulumi (one per program run) adds a process exit listener.
process.setMaxListeners(50);
export const PROJECT = 'three-tier';
export const STACKS = ['dev', 'staging', 'prod'] as const;
export type StackName = (typeof STACKS)[number];

/** Marker of a secret value in mock inputs (`@pulumi/pulumi` runtime/rpc.ts). */
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
export const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

export const REGISTRY_PASSWORD = 'registry-token-S3CRET';

/**
 * A fake value for every Secret key that the environment's workloads reference
 * (`env.requiredSecrets`), each unique enough to be searched for in every resource input.
 */
export function secretsFor(stack: StackName): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  // distinct per key, and URL-safe: values that $(VAR) puts into a URL must be (RequiredSecret.urlKeys)
  for (const s of buildEnvironment(stack).env.requiredSecrets) {
    out[s.secretName] = Object.fromEntries(s.keys.map((k) => [k, `${s.secretName}.${k}-S3CRET`]));
  }
  return out;
}

/** Every fake secret value of a stack, the registry password included. */
export function secretValues(stack: StackName): string[] {
  return [...Object.values(secretsFor(stack)).flatMap((s) => Object.values(s)), REGISTRY_PASSWORD];
}

/** Config values in the CLI's wire format, and which keys are secret. */
export interface WireConfig {
  readonly values: Record<string, string>;
  readonly secretKeys: string[];
}

/** Pulumi.<stack>.yaml in the CLI's wire format. */
export function stackFileConfig(stack: string): WireConfig {
  const file = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), 'utf8')) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(file.config ?? {})) {
    if (typeof value === 'object' && value !== null && 'secure' in value) throw new Error(`${key} is encrypted; tests cannot decrypt it`);
    values[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return { values, secretKeys: [] };
}

/** The stack file plus the secrets a pipeline sets with `pulumi config set --secret`. */
export function fullConfig(stack: StackName): WireConfig {
  const base = stackFileConfig(stack);
  const values: Record<string, string> = { ...base.values, [`${PROJECT}:secrets`]: JSON.stringify(secretsFor(stack)) };
  const secretKeys = [`${PROJECT}:secrets`];
  if (values[`${PROJECT}:registryUsername`] !== undefined) {
    values[`${PROJECT}:registryPassword`] = REGISTRY_PASSWORD;
    secretKeys.push(`${PROJECT}:registryPassword`);
  }
  return { values, secretKeys };
}

/** Returns `config` with keys set (a string) or removed (`undefined`). */
export function withConfig(config: WireConfig, changes: Record<string, string | undefined>, secret: string[] = []): WireConfig {
  const values = { ...config.values };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete values[k];
    else values[k] = v;
  }
  return { values, secretKeys: [...config.secretKeys, ...secret].filter((k) => values[k] !== undefined) };
}

/** A Kubernetes object as synthesized. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [field: string]: unknown;
}

/** Every object in dist/<env>/. */
export function distObjects(env: string): KubeObject[] {
  const dir = path.join(ROOT, 'dist', env);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJS() as KubeObject))
    .filter((o) => o !== null);
}

export function keyOf(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
  return o.metadata.namespace ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}` : `${o.kind}/${o.metadata.name}`;
}

/** One resource the program registered, as the mock monitor received it. */
export interface Registered {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
  readonly provider?: string;
  readonly custom: boolean;
  /** Position in registration order; a resource registers only after its dependsOn. */
  readonly seq: number;
  /** State the mock returned (the inputs plus computed outputs). */
  readonly state: Record<string, unknown>;
}

export interface ProgramRun {
  readonly resources: Registered[];
  /** The program module: its exports are the stack outputs. */
  readonly program: Record<string, unknown>;
  readonly pulumi: typeof Pulumi;
}

/** The digest the mock registry "pushes" for an image name. */
export function mockDigest(imageName: string): string {
  const repo = imageName.replace(/:[^:/]+$/, '');
  return `${repo}@sha256:${createHash('sha256').update(imageName).digest('hex')}`;
}

/**
 * Imports stacks/index.ts fresh (a new module registry, so the program runs again) after setting
 * the mocks and the config. Resolves once every registration has reached the mocks; rejects with
 * the program's error.
 */
export async function runProgram(stack: string, config: WireConfig, opts: { preview?: boolean } = {}): Promise<ProgramRun> {
  jest.resetModules();
  const pulumi = await import('@pulumi/pulumi');
  const resources: Registered[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === 'docker:index/image:Image' && !opts.preview) {
          state.repoDigest = mockDigest(String(args.inputs.imageName));
        }
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
          custom: args.custom ?? true,
          seq: resources.length,
          state,
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    PROJECT,
    stack,
    opts.preview ?? false,
  );
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const program = (await import('../../stacks')) as Record<string, unknown>;
  await pulumi.runtime.disconnect();
  return { resources, program, pulumi };
}

/** The value of an Output (or a plain value). */
export function valueOf<T>(pulumi: typeof Pulumi, v: unknown): Promise<T> {
  return new Promise((resolve) => pulumi.output(v as Pulumi.Input<T>).apply((x) => resolve(x as T)));
}

/** Kubernetes objects among the registered resources, by identity. */
export function kubeObjects(run: ProgramRun): Map<string, Registered> {
  const out = new Map<string, Registered>();
  for (const r of run.resources) {
    if (!r.type.startsWith('kubernetes:') || r.type.startsWith('kubernetes:pulumi') || r.type === 'pulumi:providers:kubernetes') continue;
    out.set(keyOf(r.inputs as unknown as KubeObject), r);
  }
  return out;
}

/** True when `v` is a secret-wrapped value in mock inputs. */
export function isSecretWrapper(v: unknown): v is { value: unknown } {
  return typeof v === 'object' && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** Paths in `v` where one of `needles` occurs outside a secret wrapper. */
export function plainOccurrences(v: unknown, needles: readonly string[], at = '$'): string[] {
  if (isSecretWrapper(v)) return [];
  if (typeof v === 'string') return needles.some((n) => v.includes(n)) ? [at] : [];
  if (Array.isArray(v)) return v.flatMap((x, i) => plainOccurrences(x, needles, `${at}[${i}]`));
  if (typeof v === 'object' && v !== null) return Object.entries(v).flatMap(([k, x]) => plainOccurrences(x, needles, `${at}.${k}`));
  return [];
}
