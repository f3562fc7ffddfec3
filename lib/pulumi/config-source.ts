/**
 * Pulumi stack configuration as plain data, and the secret values a deployment reads from it.
 *
 * Pure: no Pulumi import, so every rule is tested without mocks. `secretsFromConfig` hands in what
 * the CLI passes to the program (`pulumi.runtime.allConfig()`) and which keys are secret.
 */
import type { RequiredSecret } from '../connection';
import { isRecord } from '../private/object';
import { urlUnsafeReason } from '../private/url-safe';

/** The configuration as the Pulumi CLI hands it to the program. */
export interface ConfigSource {
  /** Namespace of the keys read (`<namespace>:secrets`): the project name, or a `pulumi.Config`'s name. */
  readonly project: string;
  /** Stack name (`dev`, `staging`, `prod`, or your own), for messages and fix commands. */
  readonly stack: string;
  /** Every value by fully qualified key; objects and lists arrive as JSON text. */
  readonly values: Readonly<Record<string, string>>;
  /** Fully qualified keys whose values were set with `--secret`. */
  readonly secretKeys: ReadonlySet<string>;
}

/** Secret values by Secret name, then key, as the Kubernetes Secrets hold them. */
export type SecretValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A configuration key is missing or malformed; the message ends with the commands that fix it. */
export class ConfigError extends Error {
  /**
   * Builds the message `stack '<stack>': config '<key>' <problem>`, followed by one `fix:` line per command.
   * @param stack stack name
   * @param key fully qualified key
   * @param problem what is wrong and what is allowed
   * @param fixes `pulumi config` commands that fix it
   */
  constructor(
    /** Stack name. */
    public readonly stack: string,
    /** Fully qualified key, with a property path for nested values (`three-tier:build.tag`). */
    public readonly key: string,
    /** What is wrong and what is allowed. */
    public readonly problem: string,
    /** `pulumi config` commands that fix it. */
    public readonly fixes: readonly string[],
  ) {
    super(`stack '${stack}': config '${key}' ${problem}${fixes.map((f) => `\n  fix: ${f}`).join('')}`);
    this.name = 'ConfigError';
  }
}

/** `<namespace>:<path>`, in single quotes when the shell would otherwise read part of it. */
export function quotedConfigKey(namespace: string, path: string): string {
  const key = `${namespace}:${path}`;
  return /[[\]"<>*? ]/.test(path) ? `'${key}'` : key;
}

/** The `pulumi config set` command for a key or property path (`--path` when the path is nested). */
export function configSetCommand(source: Pick<ConfigSource, 'project' | 'stack'>, path: string, example: string, opts: { secret?: boolean } = {}): string {
  const nested = /[.[]/.test(path);
  return ['pulumi config set', opts.secret ? '--secret' : '', nested ? '--path' : '', quotedConfigKey(source.project, path), example, `--stack ${source.stack}`]
    .filter(Boolean)
    .join(' ');
}

/**
 * The property path of one secret value: `secrets.<Secret name>.<key>`, with a segment in
 * brackets when it holds a dot (`secrets.web-tls["tls.crt"]`), as `pulumi config set --path` reads it.
 */
export function secretPath(secretName: string, key?: string): string {
  const segment = (s: string) => (/^[A-Za-z0-9_-]+$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`);
  return `secrets${segment(secretName)}${key === undefined ? '' : segment(key)}`;
}

/**
 * Reads the value of every Secret key that the workloads reference (`env.requiredSecrets`), from
 * the one secret object `<namespace>:secrets` (`secrets.<Secret name>.<key>`). A referenced key
 * that is not set, a value that is not a non-empty string, a key that nothing references and an
 * object set without `--secret` all fail with a {@link ConfigError} whose fixes are the exact
 * `pulumi config` commands. Values never appear in a message.
 */
export function readSecretValues(source: ConfigSource, required: readonly RequiredSecret[]): SecretValues {
  const key = `${source.project}:secrets`;
  const error = (path: string, problem: string, fixes: readonly string[]) => new ConfigError(source.stack, `${source.project}:${path}`, problem, fixes);
  const fixFor = (secretName: string, k: string) => configSetCommand(source, secretPath(secretName, k), '<value>', { secret: true });
  const wanted = required.flatMap((r) => r.keys.map((k) => ({ secretName: r.secretName, key: k, requiredBy: r.requiredBy })));
  const missing = (list: typeof wanted) =>
    error(
      secretPath(list[0].secretName, list[0].key),
      `is missing; the Secret '${list[0].secretName}' (key '${list[0].key}') is read by '${list[0].requiredBy}'`,
      list.map((m) => fixFor(m.secretName, m.key)),
    );
  const raw = source.values[key];
  if (raw === undefined) {
    if (wanted.length === 0) return {};
    throw missing(wanted);
  }
  if (!source.secretKeys.has(key)) {
    throw error('secrets', 'must be set with --secret, so that it is encrypted in the stack file and the state; it is stored in plain text now', [
      `pulumi config rm ${key} --stack ${source.stack}`,
      ...wanted.map((m) => fixFor(m.secretName, m.key)),
    ]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw error('secrets', 'must be structured (set its fields with --path), got a secret value', [
      `pulumi config rm ${key} --stack ${source.stack}`,
      configSetCommand(source, 'secrets.<secret-name>.<key>', '<value>', { secret: true }),
    ]);
  }
  if (!isRecord(parsed)) {
    throw error('secrets', `must be an object of Secret name -> key -> value, got ${kindOf(parsed)}`, [
      configSetCommand(source, 'secrets.<secret-name>.<key>', '<value>', { secret: true }),
    ]);
  }

  const referenced = new Map(required.map((r) => [r.secretName, r]));
  const known = required.flatMap((r) => r.keys.map((k) => secretPath(r.secretName, k).slice('secrets.'.length))).join(', ');
  for (const [secretName, entries] of Object.entries(parsed)) {
    const ref = referenced.get(secretName);
    if (!isRecord(entries)) {
      throw error(secretPath(secretName), `must be an object of key -> value, got ${kindOf(entries)}`, ref ? ref.keys.map((k) => fixFor(secretName, k)) : []);
    }
    for (const k of Object.keys(entries)) {
      if (!ref || !ref.keys.includes(k)) {
        throw error(secretPath(secretName, k), `is not read by any workload of this stack; the keys read are ${known || 'none'}`, [
          `pulumi config rm --path ${quotedConfigKey(source.project, secretPath(secretName, k))} --stack ${source.stack}`,
        ]);
      }
    }
  }

  const absent = wanted.filter((m) => (parsed as Record<string, Record<string, unknown> | undefined>)[m.secretName]?.[m.key] === undefined);
  if (absent.length > 0) throw missing(absent);
  const out: Record<string, Record<string, string>> = {};
  const urlKeysOf = new Map(required.map((r) => [r.secretName, new Set(r.urlKeys ?? [])]));
  for (const m of wanted) {
    const value = (parsed[m.secretName] as Record<string, unknown>)[m.key];
    if (typeof value !== 'string' || value.length === 0) {
      throw error(secretPath(m.secretName, m.key), `must be a non-empty string, got ${typeof value === 'string' ? 'an empty string' : kindOf(value)}`, [
        fixFor(m.secretName, m.key),
      ]);
    }
    const unsafe = urlKeysOf.get(m.secretName)?.has(m.key) ? urlUnsafeReason(value) : undefined;
    if (unsafe !== undefined) {
      throw error(
        secretPath(m.secretName, m.key),
        `goes into a connection URL by $(VAR) interpolation, where Kubernetes does not percent-encode it; the value ${unsafe}`,
        [fixFor(m.secretName, m.key)],
      );
    }
    (out[m.secretName] ??= {})[m.key] = value;
  }
  return out;
}

/** What a value is, for messages that must not print it. */
export function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
