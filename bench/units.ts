// "ours": N units built with the library's constructs, in one Environment.
//
// A unit is what a platform team's service usually is: a ConfigBundle, a PostgresDb, a
// RedisCache and a WebApp with an Ingress, an HPA and a PDB, wired together. Every name carries
// the unit's index (web-0042, postgres-0042…) so that all units live in one namespace.
import { App, Yaml } from 'cdk8s';
import { ConfigBundle, Environment, PolicyViolationError, PostgresDb, Profiles, RedisCache, WebApp, defineProfile, writeEnvironments } from 'kubestack';
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
 * What `npm run synth` does (variant `ours`, apps/main.ts `main()`): `writeEnvironments`, which
 * synthesizes the objects once, runs the gate over them and streams them to
 * `<outdir>/<profile>/<env>.k8s.yaml`. Returns the file written.
 */
export function writeOurs(built: OursApp, outdir: string): string {
  const [written] = writeEnvironments([built.env], { outdir });
  return written.file;
}

/**
 * `npm run synth` before issue 14 (variant `before`): the objects synthesized once, the gate over
 * them ({@link gateObjects}) and cdk8s's `Yaml.stringify` ({@link yamlOf}). Same bytes as {@link writeOurs}.
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

/** cdk8s's `Yaml.stringify` (the `yaml` package), as `Yaml.save` and `app.synth()` call it. */
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
  // No backup CronJob: the hand-written baseline predates it, and the unit stays 15 objects.
  const postgres = new PostgresDb(env, `postgres-${s}`, { database: 'app', backup: false });
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
