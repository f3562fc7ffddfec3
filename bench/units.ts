// "ours": N units built with the library's constructs, in one Environment.
//
// A unit is what a platform team's service usually is: a ConfigBundle, a PostgresDb, a
// RedisCache and a WebApp with an Ingress, an HPA and a PDB, wired together. Every name carries
// the unit's index (web-0042, postgres-0042…) so that all units live in one namespace.
import { App, Yaml } from 'cdk8s';
import { ConfigBundle, Environment, PolicyViolationError, PostgresDb, Profiles, RedisCache, WebApp, defineProfile } from 'kubestack';
import { BENCH_IMAGE, BENCH_NAMESPACE, BENCH_PART_OF, unitSuffix } from './unit-spec';

/** The production profile (HPA, PDB, TLS, topology spread) in the benchmark namespace. */
export const benchProfile = defineProfile(Profiles.prod, { namespace: BENCH_NAMESPACE });

/** An app of `n` units and the Environment that holds them. */
export interface OursApp {
  readonly app: App;
  readonly env: Environment;
}

/** Builds `n` units with our constructs. */
export function buildOurs(n: number): OursApp {
  const app = new App();
  const env = new Environment(app, BENCH_PART_OF, { profile: benchProfile, partOf: BENCH_PART_OF });
  for (let i = 0; i < n; i++) addUnit(env, i);
  return { app, env };
}

/**
 * Step 1 of `npm run synth` before the profiling fix: the policy gate over `env.toJson()`,
 * through the Environment's own gate (`env.checkPolicy`). Throws on a violation; returns the waiver count.
 */
export function gateOurs(built: OursApp): number {
  return gateObjects(built, built.env.manifests());
}

/** Step 2 of `npm run synth` before the profiling fix: `app.synth()`, here to a string instead of a file. */
export function synthOurs(built: OursApp): string {
  return built.app.synthYaml();
}

/**
 * What `npm run synth` does now (variant `ours-1pass`, apps/main.ts `main()`): synthesize the objects once, run the gate
 * over them and serialize the same objects, as cdk8s's `Yaml.save` would. Same YAML, one
 * `toJson()` instead of two.
 */
export function objectsOurs(built: OursApp): unknown[] {
  return built.env.manifests();
}

/** The Environment's policy gate over `docs` (what `env.synthesize()` runs once); throws on a violation, returns the waiver count. */
export function gateObjects(built: OursApp, docs: unknown[]): number {
  const report = built.env.checkPolicy(docs);
  if (report.violations.length > 0) throw new PolicyViolationError(report.violations, report.waivers, built.env.profile.name);
  return report.waivers.length;
}

export function yamlOf(docs: unknown[]): string {
  return Yaml.stringify(...docs);
}

function addUnit(env: Environment, i: number): void {
  const s = unitSuffix(i);
  const config = new ConfigBundle(env, `config-${s}`, {
    settings: { APP_ENV: env.profile.name, LOG_LEVEL: 'info', UNIT: s },
    secrets: { SESSION_SECRET: { secretName: `web-${s}-secrets`, key: 'session-secret' } },
    files: { 'app.properties': `unit=${s}\ngreeting=Hello from unit ${s}\n` },
  });
  const postgres = new PostgresDb(env, `postgres-${s}`, { database: 'app' });
  const redis = new RedisCache(env, `redis-${s}`, {
    maxmemory: '256mb',
    passwordSecret: { secretName: `redis-${s}-auth`, key: 'password' },
  });
  const web = new WebApp(env, `web-${s}`, {
    image: BENCH_IMAGE,
    env: { PORT: '8080' },
    config: [config],
    startupPath: '/health',
    ingress: { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' } },
  });
  web.connect(postgres);
  web.connect(redis);
}
