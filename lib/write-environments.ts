import * as fs from 'fs';
import * as path from 'path';
import { Names } from 'cdk8s';
import { Environment } from './environment';
import { PolicyViolationError, PolicyWaiver, formatViolations } from './policy';
import { writeYamlDocuments } from './private/yaml';

/** Options of {@link writeEnvironments}. */
export interface WriteEnvironmentsOptions {
  /** Folder below which each environment gets a folder of its own, named after its profile (`dist/prod/`). */
  readonly outdir: string;
}

/** What {@link writeEnvironments} wrote. */
export interface WrittenEnvironment {
  /** The profile name, which is also the folder name. */
  readonly name: string;
  /** The file written: `<outdir>/<profile name>/<environment id>.k8s.yaml`. */
  readonly file: string;
  /** Number of objects in it. */
  readonly objects: number;
  /** The policy waivers in effect, for the caller to print (`formatWaivers`). */
  readonly waivers: readonly PolicyWaiver[];
}

/**
 * The YAML path for a repository of environments: writes one folder per environment, each holding
 * one file with every object of the Environment and of the charts nested in it, Namespace first,
 * dependencies before dependants, exactly as `env.synthesize()` returns them.
 *
 * Every environment is synthesized and passes the policy gate before anything is written: on a
 * violation in any of them nothing is written and one {@link PolicyViolationError} lists all
 * violations of all environments. Each folder is emptied first, so that a renamed Environment
 * leaves no stale file behind.
 *
 * @example writeEnvironments([dev, prod], { outdir: 'dist' }) // dist/dev/shop.k8s.yaml, dist/prod/shop.k8s.yaml
 */
export function writeEnvironments(environments: readonly Environment[], options: WriteEnvironmentsOptions): WrittenEnvironment[] {
  const names = new Map<string, string>();
  for (const env of environments) {
    const previous = names.get(env.profile.name);
    if (previous !== undefined) {
      throw new Error(
        `writeEnvironments: Environments '${previous}' and '${env.node.path}' both have the profile name '${env.profile.name}', which names their folder; give each profile its own name`,
      );
    }
    names.set(env.profile.name, env.node.path);
  }
  const built: { env: Environment; objects: unknown[]; waivers: PolicyWaiver[] }[] = [];
  const failures: { error: PolicyViolationError; env: Environment }[] = [];
  for (const env of environments) {
    try {
      built.push({ env, ...env.synthesize() });
    } catch (e) {
      if (!(e instanceof PolicyViolationError)) throw e;
      failures.push({ error: e, env });
    }
  }
  if (failures.length > 0) {
    const error = new PolicyViolationError(
      failures.flatMap((f) => f.error.violations),
      failures.flatMap((f) => f.error.waivers),
    );
    error.message = failures.map((f) => formatViolations(f.error.violations, f.env.profile.name)).join('\n');
    throw error;
  }
  return built.map(({ env, objects, waivers }) => {
    const dir = path.join(options.outdir, env.profile.name);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${Names.toDnsLabel(env)}.k8s.yaml`);
    // The bytes the YAML emitter writes (lib/private/yaml.ts), streamed: no string of the whole file.
    writeYamlDocuments(file, objects);
    return { name: env.profile.name, file, objects: objects.length, waivers };
  });
}
