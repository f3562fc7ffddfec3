/**
 * The stack configuration: typed, validated accessors for everything the Pulumi program reads.
 *
 * Pure: no Pulumi import, so every rule is tested without mocks. `stacks/index.ts` hands in the
 * values the CLI passes to the program (`pulumi.runtime.allConfig()`) and which of them are secret.
 * Every failure is a {@link StackConfigError} that names the stack, the key, what is allowed, the
 * value received (never a secret's value) and the `pulumi config` command that fixes it.
 */
import { ENVIRONMENTS, ENVIRONMENT_NAMES, EnvironmentName } from '../apps/environments';
import {
  EnvironmentProfile,
  ProfileOverrides,
  ResourceSpec,
  ValidationError,
  checkDnsLabel,
  checkHostname,
  checkImage,
  defineProfile,
  formatValue,
} from 'kubestack';
import { ConfigError, ConfigSource, configSetCommand, kindOf, quotedConfigKey } from 'kubestack/pulumi';

export type { ConfigSource };

/** A value that may be a secret; `stacks/index.ts` wraps secret ones in `pulumi.secret`. */
export interface ConfigValue {
  readonly value: string;
  readonly secret: boolean;
}

/** The cluster to deploy to: a kube context, a kubeconfig, or both. */
export interface ClusterConfig {
  /** Kubeconfig file path or (secret) content; unset means `$KUBECONFIG` or `~/.kube/config`. */
  readonly kubeconfig?: ConfigValue;
  /** Context in the kubeconfig; unset means its current context. */
  readonly context?: string;
}

/** Where the app image is pushed and how it is authenticated. */
export interface RegistryConfig {
  /** Registry and path that images are pushed under, e.g. `registry.example.com/three-tier`. */
  readonly prefix: string;
  /** Registry host (and port) for `docker login`, e.g. `registry.example.com`. */
  readonly server: string;
  /** Registry user; without it the Docker daemon's own credentials are used. */
  readonly username?: ConfigValue;
  /** Registry password or token; always a secret. */
  readonly password?: ConfigValue;
}

/** How the app image is built from apps/web. */
export interface BuildConfig {
  /** Build context, relative to the project root. */
  readonly context: string;
  /** Dockerfile, relative to the project root (docker provider v4+ resolves it from the working directory). */
  readonly dockerfile: string;
  /** Target platform, e.g. `linux/amd64`. */
  readonly platform: string;
  /** Tag that is pushed; the Deployment runs the pushed digest, not the tag. */
  readonly tag: string;
}

/** Where the web image comes from: built by the stack, or prebuilt and pinned by digest. */
export type ImageSource =
  { readonly kind: 'build'; readonly registry: RegistryConfig; readonly build: BuildConfig } | { readonly kind: 'prebuilt'; readonly reference: string };

/** The validated configuration of one stack. */
export interface StackConfig {
  readonly project: string;
  readonly stack: string;
  /** The environment of apps/environments.ts that the stack deploys. */
  readonly environment: EnvironmentName;
  /** The environment's profile with the stack's namespace and overrides applied. */
  readonly profile: EnvironmentProfile;
  /** Ingress hosts; `undefined` keeps the app's default (`web.<profile domain>`). */
  readonly hosts?: string[];
  readonly cluster: ClusterConfig;
  readonly image: ImageSource;
}

/**
 * The keys this program reads, each documented where it is validated. A key of the project's
 * namespace that is not here fails, so that a typo (`three-tier:namspace`) is not silently ignored.
 */
export const CONFIG_KEYS = [
  'environment',
  'kubeconfig',
  'context',
  'namespace',
  'hosts',
  'registry',
  'registryUsername',
  'registryPassword',
  'build',
  'image',
  'profile',
  'secrets',
] as const;

/** Build settings used when `build` leaves them out. */
export const BUILD_DEFAULTS = { context: 'apps/web', dockerfile: 'apps/web/Dockerfile', platform: 'linux/amd64' } as const;

/** Fields of `profile` that a stack may override. `name` and `production` belong to the environment. */
export const PROFILE_OVERRIDE_FIELDS = [
  'replicas',
  'autoscaling',
  'resources',
  'postgresStorage',
  'redisStorage',
  'zoneSpread',
  'domain',
  'tls',
  'rolloutTimeoutSeconds',
] as const;

/** A configuration key is missing or malformed (the library's ConfigError: the message ends with the commands that fix it). */
export const StackConfigError = ConfigError;
export type StackConfigError = ConfigError;

/** Reads and validates everything except the secret values, which depend on the chart. */
export function loadStackConfig(source: ConfigSource): StackConfig {
  const c = new Reader(source);
  c.rejectUnknownKeys();
  const environment = readEnvironment(c);
  const base = ENVIRONMENTS[environment].profile;
  const namespace = c.string('namespace', { optional: true, check: checkDnsLabel, example: '<namespace>' });
  const overrides = readProfileOverrides(c, base);
  const profile = applyProfile(c, base, { ...overrides, ...(namespace !== undefined ? { namespace } : {}) });
  return {
    project: source.project,
    stack: source.stack,
    environment,
    profile,
    hosts: readHosts(c),
    cluster: readCluster(c),
    image: readImage(c, profile),
  };
}

// --- readers of single keys ------------------------------------------------------------------------

function readEnvironment(c: Reader): EnvironmentName {
  const allowed = `one of ${ENVIRONMENT_NAMES.map((n) => `'${n}'`).join(', ')} (apps/environments.ts)`;
  const value = c.string('environment', { optional: true, example: '<environment>' });
  if (value === undefined) {
    if ((ENVIRONMENT_NAMES as string[]).includes(c.stack)) return c.stack as EnvironmentName;
    throw c.error('environment', `is missing; the stack name '${c.stack}' is not an environment, so it must name ${allowed}`, [
      c.command('environment', ENVIRONMENT_NAMES[0]),
    ]);
  }
  if (!(ENVIRONMENT_NAMES as string[]).includes(value)) throw c.invalid('environment', `must be ${allowed}`, value, ENVIRONMENT_NAMES[0]);
  return value as EnvironmentName;
}

function readCluster(c: Reader): ClusterConfig {
  const context = c.string('context', {
    optional: true,
    example: '<kube-context>',
    check: (v) => (/^\S+$/.test(String(v)) ? undefined : 'must be the name of a context in the kubeconfig (no spaces)'),
  });
  const kubeconfig = c.value('kubeconfig');
  if (kubeconfig !== undefined) {
    const content = kubeconfig.value.includes('\n');
    if (kubeconfig.value.trim().length === 0) throw c.invalid('kubeconfig', 'must be a kubeconfig path or content', kubeconfig.value, '<path>');
    if (content && !kubeconfig.secret) {
      throw c.error('kubeconfig', 'holds kubeconfig content, which carries cluster credentials, and must be set with --secret', [
        `pulumi config set --secret ${c.key('kubeconfig')} "$(cat <kubeconfig>)" --stack ${c.stack}`,
      ]);
    }
    if (!content && kubeconfig.value.startsWith('~')) {
      throw c.invalid('kubeconfig', "must be an absolute path or one relative to the project root ('~' is not expanded)", kubeconfig.value, '<path>');
    }
  }
  if (context === undefined && kubeconfig === undefined) {
    throw c.error(
      'context',
      `is missing; name the stack's cluster with a kube context (or with '${c.key('kubeconfig')}'), so that a deploy never goes to whatever cluster kubectl points at`,
      [c.command('context', '<kube-context>'), c.command('kubeconfig', '<path-to-kubeconfig>')],
    );
  }
  return { context, kubeconfig };
}

function readHosts(c: Reader): string[] | undefined {
  if (!c.has('hosts')) return undefined;
  const fix = c.command('hosts[0]', '<host.example.com>');
  const hosts = c.json('hosts', '<host.example.com>', { pathKey: 'hosts[0]' });
  if (!Array.isArray(hosts) || hosts.length === 0) throw c.error('hosts', `must be a non-empty list of host names, got ${formatValue(hosts)}`, [fix]);
  hosts.forEach((h, i) => {
    const problem = checkHostname(h);
    if (problem) throw c.invalid(`hosts[${i}]`, problem, h, '<host.example.com>');
    if (hosts.indexOf(h) !== i) throw c.invalid(`hosts[${i}]`, 'must not repeat a host', h, '<host.example.com>');
  });
  return hosts as string[];
}

function readImage(c: Reader, profile: EnvironmentProfile): ImageSource {
  const image = c.string('image', { optional: true, example: '<registry/app@sha256:digest>' });
  if (image !== undefined) {
    if (c.has('build')) {
      throw c.error('build', `must not be set together with '${c.key('image')}': a stack either builds the image or deploys a prebuilt one`, [
        `pulumi config rm ${c.key('build')} --stack ${c.stack}`,
        `pulumi config rm ${c.key('image')} --stack ${c.stack}`,
      ]);
    }
    const problem = checkImage(image) ?? (/@sha256:[a-f0-9]{64}$/.test(image) ? undefined : 'must be pinned by digest');
    if (problem) {
      throw c.invalid(
        'image',
        `must be a prebuilt image pinned by digest, such as 'registry.example.com/team/web@sha256:<64 hex digits>', so that what runs is exactly what was tested`,
        image,
        '<registry/app@sha256:digest>',
      );
    }
    return { kind: 'prebuilt', reference: image };
  }
  return { kind: 'build', registry: readRegistry(c), build: readBuild(c, profile) };
}

// host[:port] followed by lowercase path components; no scheme, tag, digest or trailing slash.
const REGISTRY =
  /^(localhost|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+|[a-z0-9]([-a-z0-9]*[a-z0-9])?(?=:))(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

function readRegistry(c: Reader): RegistryConfig {
  const example = 'registry.example.com/three-tier';
  const prefix = c.string('registry', {
    example,
    missing: `is missing; it is where the stack pushes the image it builds (or set '${c.key('image')}' to deploy a prebuilt image)`,
    check: (v) =>
      REGISTRY.test(String(v))
        ? undefined
        : "must be a registry host with an optional port and path, such as 'registry.example.com/three-tier' or 'localhost:5000' (no scheme, tag or trailing slash)",
  });
  const username = c.value('registryUsername');
  const password = c.value('registryPassword');
  if (username !== undefined && password === undefined) {
    throw c.error('registryPassword', `is missing; '${c.key('registryUsername')}' is set, so the registry needs a password or token`, [
      c.command('registryPassword', '<password-or-token>', { secret: true }),
    ]);
  }
  if (password !== undefined && username === undefined) {
    throw c.error('registryUsername', `is missing; '${c.key('registryPassword')}' is set, so the registry needs a user name`, [
      c.command('registryUsername', '<user>'),
    ]);
  }
  if (password !== undefined && !password.secret) {
    throw c.error('registryPassword', 'must be set with --secret, so that it is encrypted in the stack file and the state; it is stored in plain text now', [
      c.command('registryPassword', '<password-or-token>', { secret: true }),
    ]);
  }
  return { prefix, server: prefix.split('/')[0], username, password };
}

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(\/[a-z0-9]+)?$/;

function readBuild(c: Reader, profile: EnvironmentProfile): BuildConfig {
  const missingTag = c.error('build.tag', `is missing; the stack builds the image (no '${c.key('image')}' is set) and pushes it with this tag`, [
    c.command('build.tag', '<version-or-git-sha>'),
    c.command('image', '<registry/app@sha256:digest>'),
  ]);
  if (!c.has('build')) throw missingTag;
  const build = c.json('build', '<version-or-git-sha>', { pathKey: 'build.tag' });
  if (!isRecord(build))
    throw c.error('build', `must be an object with 'tag' and optional 'context', 'dockerfile', 'platform', got ${formatValue(build)}`, [
      c.command('build.tag', '<version-or-git-sha>'),
    ]);
  for (const field of Object.keys(build)) {
    if (!['context', 'dockerfile', 'platform', 'tag'].includes(field)) {
      throw c.error(`build.${field}`, "is not a build setting; the settings are 'context', 'dockerfile', 'platform' and 'tag'", [
        `pulumi config rm --path ${c.key(`build.${field}`)} --stack ${c.stack}`,
      ]);
    }
  }
  const text = (field: 'context' | 'dockerfile' | 'platform' | 'tag', fallback: string | undefined, rule: (v: string) => string | undefined): string => {
    const v = build[field] ?? fallback;
    if (v === undefined) throw missingTag;
    const value = typeof v === 'number' ? String(v) : v;
    const problem = typeof value === 'string' && value.length > 0 ? rule(value) : 'must be a non-empty string';
    if (problem) throw c.invalid(`build.${field}`, problem, v, `<${field}>`);
    return value as string;
  };
  const relative = (v: string) =>
    v.startsWith('/') || v.startsWith('~') ? 'must be a path relative to the project root, so that the state is the same on every machine' : undefined;
  const context = text('context', BUILD_DEFAULTS.context, relative);
  const dockerfile = text('dockerfile', build.context === undefined ? BUILD_DEFAULTS.dockerfile : `${context}/Dockerfile`, relative);
  const platform = text('platform', BUILD_DEFAULTS.platform, (v) =>
    PLATFORM.test(v) ? undefined : "must be an OS/architecture such as 'linux/amd64' or 'linux/arm64'",
  );
  const tag = text('tag', undefined, (v) => {
    if (!TAG.test(v)) return "must be an image tag (letters, digits, '_', '.' and '-', at most 128 characters)";
    if (v === 'latest' && profile.production)
      return `must not be 'latest' in a production environment ('${profile.name}'); tag builds with a version or a git SHA`;
    return undefined;
  });
  return { context, dockerfile, platform, tag };
}

function readProfileOverrides(c: Reader, base: EnvironmentProfile): ProfileOverrides {
  if (!c.has('profile')) return {};
  const raw = c.json('profile', '<value>', { pathKey: 'profile.<field>' });
  if (!isRecord(raw)) throw c.error('profile', `must be an object of profile overrides, got ${formatValue(raw)}`, [c.command('profile.replicas', '<value>')]);
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (!(PROFILE_OVERRIDE_FIELDS as readonly string[]).includes(field)) {
      const why =
        field === 'namespace'
          ? `the namespace is set with '${c.key('namespace')}'`
          : `the fields are ${PROFILE_OVERRIDE_FIELDS.map((f) => `'${f}'`).join(', ')}`;
      throw c.error(`profile.${field}`, `is not a profile override; ${why}`, [`pulumi config rm --path ${c.key(`profile.${field}`)} --stack ${c.stack}`]);
    }
    out[field] = coerceOverride(field, value);
  }
  // `autoscaling: false` (or null) turns the HPA off; resources are merged per workload kind.
  if ('autoscaling' in out && (out.autoscaling === false || out.autoscaling === null)) out.autoscaling = undefined;
  if (isRecord(out.resources)) {
    const merged: Record<string, unknown> = {};
    for (const [kind, spec] of Object.entries(out.resources)) {
      const baseSpec = base.resources[kind as keyof EnvironmentProfile['resources']] as ResourceSpec | undefined;
      merged[kind] = baseSpec && isRecord(spec) ? { ...baseSpec, ...spec } : spec;
    }
    out.resources = merged;
  }
  return out as ProfileOverrides;
}

function applyProfile(c: Reader, base: EnvironmentProfile, overrides: ProfileOverrides): EnvironmentProfile {
  try {
    return defineProfile(base, overrides);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const key = e.prop === 'namespace' ? 'namespace' : `profile.${e.prop}`;
    throw c.invalid(key, e.allowed, e.value, '<value>');
  }
}

// --- plumbing ----------------------------------------------------------------------------------------

/** Reads keys of one project namespace and builds the errors, with their fix commands. */
class Reader {
  public readonly stack: string;

  constructor(private readonly source: ConfigSource) {
    this.stack = source.stack;
  }

  /** `three-tier:build.tag` for `build.tag`. */
  public key(path: string): string {
    return `${this.source.project}:${path}`;
  }

  public has(name: string): boolean {
    return this.source.values[this.key(name)] !== undefined;
  }

  /** The `pulumi config set` command for a key or property path. */
  public command(path: string, example: string, opts: { secret?: boolean } = {}): string {
    return configSetCommand(this.source, path, example, opts);
  }

  /** The key, in single quotes when the shell would otherwise read part of it. */
  public quotedKey(path: string): string {
    return quotedConfigKey(this.source.project, path);
  }

  public error(path: string, problem: string, fixes: readonly string[]): StackConfigError {
    return new StackConfigError(this.stack, this.key(path), problem, fixes);
  }

  public invalid(path: string, allowed: string, value: unknown, example: string, opts: { secret?: boolean } = {}): StackConfigError {
    const got = opts.secret || this.source.secretKeys.has(this.key(path.split(/[.[]/)[0])) ? 'a secret value' : formatValue(value);
    return this.error(path, `${allowed}, got ${got}`, [this.command(path, example, opts)]);
  }

  public rejectUnknownKeys(): void {
    const prefix = this.key('');
    for (const full of Object.keys(this.source.values).sort()) {
      if (!full.startsWith(prefix)) continue;
      const name = full.slice(prefix.length);
      if (!(CONFIG_KEYS as readonly string[]).includes(name)) {
        throw this.error(name, `is not a setting of this program; the settings are ${CONFIG_KEYS.map((k) => `'${k}'`).join(', ')}`, [
          `pulumi config rm ${full} --stack ${this.stack}`,
        ]);
      }
    }
  }

  /** A plain string value, validated by `check`. */
  public string(name: string, opts: { optional: true; example: string; check?: (v: unknown) => string | undefined }): string | undefined;
  public string(name: string, opts: { optional?: false; example: string; missing: string; check?: (v: unknown) => string | undefined }): string;
  public string(name: string, opts: { optional?: boolean; example: string; missing?: string; check?: (v: unknown) => string | undefined }): string | undefined {
    const value = this.source.values[this.key(name)];
    if (value === undefined) {
      if (opts.optional) return undefined;
      throw this.error(name, opts.missing ?? 'is missing', [this.command(name, opts.example)]);
    }
    const problem = value.length === 0 ? 'must not be empty' : opts.check?.(value);
    if (problem) throw this.invalid(name, problem, value, opts.example);
    return value;
  }

  /** A string value together with whether it is a secret. */
  public value(name: string): ConfigValue | undefined {
    const key = this.key(name);
    const value = this.source.values[key];
    return value === undefined ? undefined : { value, secret: this.source.secretKeys.has(key) };
  }

  /** A structured value (object or list), which the CLI passes as JSON. */
  public json(name: string, example: string, opts: { pathKey?: string; secret?: boolean } = {}): unknown {
    const value = this.source.values[this.key(name)];
    try {
      return JSON.parse(value);
    } catch {
      throw this.error(name, `must be structured (set its fields with --path), got ${opts.secret ? 'a secret value' : formatValue(value)}`, [
        `pulumi config rm ${this.key(name)} --stack ${this.stack}`,
        this.command(opts.pathKey ?? name, example, opts),
      ]);
    }
  }
}

/** A JSON object (not a list, not null). */
function isRecord(v: unknown): v is Record<string, unknown> {
  return kindOf(v) === 'an object';
}

/**
 * `pulumi config set --path` stores what it is typed as, so a number or boolean may arrive as text,
 * and YAML reads `cpuLimit: 1` as a number. Converts by field: counts to numbers, switches to
 * booleans, quantities to text. Anything else is left for `defineProfile` to reject.
 */
function coerceOverride(field: string, v: unknown): unknown {
  const toNumber = (x: unknown) => (typeof x === 'string' && /^-?\d+$/.test(x) ? Number(x) : x);
  const toBoolean = (x: unknown) => (x === 'true' ? true : x === 'false' ? false : x);
  const toText = (x: unknown) => (typeof x === 'number' ? String(x) : x);
  const each = (x: unknown, f: (k: string, y: unknown) => unknown) => (isRecord(x) ? Object.fromEntries(Object.entries(x).map(([k, y]) => [k, f(k, y)])) : x);
  switch (field) {
    case 'replicas':
    case 'rolloutTimeoutSeconds':
      return toNumber(v);
    case 'zoneSpread':
    case 'tls':
      return toBoolean(v);
    case 'postgresStorage':
    case 'redisStorage':
      return toText(v);
    case 'autoscaling':
      return v === 'false' ? false : each(v, (_, y) => toNumber(y));
    case 'resources':
      return each(v, (_, spec) => each(spec, (_k, y) => toText(y)));
    default:
      return v;
  }
}
