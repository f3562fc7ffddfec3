import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Environment } from './environment';
import { configDataLiteralSecret } from './policy/secret-scan';
import { contentHash } from './private/hash';
import { objectMeta } from './private/meta';
import {
  Subject,
  assertValid,
  checkConfigKey,
  checkConfigMapSize,
  checkDnsLabel,
  checkDnsSubdomain,
  checkEnvName,
  checkInstanceLabel,
  checkObjectKey,
  checkRecord,
  checkString,
  fail,
  utf8Bytes,
  ValidationError,
} from './private/validate';

/** A reference to one key of a Kubernetes Secret that the bundle does not own. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Props of a {@link ConfigBundle}. */
export interface ConfigBundleProps {
  /**
   * Name of the ConfigMap; the files ConfigMap is `<name>-files`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Plain settings, exposed to consumers as environment variables through `envFrom`.
   * @default {}
   */
  readonly settings?: Record<string, string>;
  /**
   * Sensitive settings: environment variable name → Secret key. Only the reference is written
   * to the manifests; the Secret itself is created by `kubectl create secret` or the Pulumi stack.
   * @default {}
   */
  readonly secrets?: Record<string, SecretKeyReference>;
  /**
   * Files (file name → content), mounted read-only into consumers at `mountPath`.
   * @default {}
   */
  readonly files?: Record<string, string>;
  /**
   * Where consumers mount `files`.
   * @default '/app/config'
   */
  readonly mountPath?: string;
}

/**
 * Configuration for one or more workloads: a ConfigMap of plain settings, an optional ConfigMap
 * of files and references to Secret keys. Any change of content changes the hash that consuming
 * pods carry in their template annotations, so a config change rolls the pods.
 */
export class ConfigBundle extends Construct {
  /** Name of the ConfigMap of plain settings. */
  public readonly name: string;
  /** Name of the ConfigMap of files, `<name>-files`; it exists only once a file is added (see `hasFiles`). */
  public readonly filesName: string;
  /** Where consumers mount the files. */
  public readonly mountPath: string;
  /** The ConfigMap of plain settings. */
  public readonly configMap: k8s.KubeConfigMap;

  private readonly env: Environment;
  private readonly subject: Subject;
  private readonly settingsData: Record<string, string> = {};
  private readonly filesData: Record<string, string> = {};
  private readonly secretRefs: Record<string, SecretKeyReference> = {};
  private filesMap?: k8s.KubeConfigMap;
  /** UTF-8 bytes of the values of each ConfigMap, which the API server limits to 1 MiB. */
  private settingsBytes = 0;
  private filesBytes = 0;

  /**
   * Validates the props and creates the settings ConfigMap, and the files ConfigMap when `files` is not empty.
   * @param scope an `Environment` or a construct inside one
   * @param id construct id, also the default `name`
   * @param props the bundle's content, all optional; more can be added with `addSetting`, `addSecret` and `addFile`
   * @throws ValidationError when a prop is not allowed
   */
  constructor(scope: Construct, id: string, props: ConfigBundleProps = {}) {
    super(scope, id);
    this.subject = { kind: 'config-bundle', path: this.node.path };
    assertValid(this.subject, 'props', props, checkRecord(props));
    this.env = Environment.of(this, this.subject);
    this.name = props.name ?? id;
    this.mountPath = props.mountPath ?? '/app/config';
    assertValid(this.subject, 'name', this.name, checkDnsLabel(this.name, 57));
    assertValid(this.subject, 'name', this.name, checkInstanceLabel(this.name, this.env.profile.name));
    assertValid(
      this.subject,
      'mountPath',
      this.mountPath,
      /^\/[^\0]*$/.test(String(this.mountPath)) && typeof this.mountPath === 'string' ? undefined : "must be an absolute path such as '/app/config'",
    );
    this.filesName = `${this.name}-files`;
    this.env.claimName(this.subject, 'name', 'ConfigMap', this.name);

    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: objectMeta(this.env, this.name, this.labels()),
      data: this.settingsData,
    });

    for (const [prop, value] of [
      ['settings', props.settings],
      ['secrets', props.secrets],
      ['files', props.files],
    ] as const) {
      if (value !== undefined) assertValid(this.subject, prop, value, checkRecord(value));
    }
    for (const [key, value] of Object.entries(props.settings ?? {})) this.addSetting(key, value);
    for (const [key, ref] of Object.entries(props.secrets ?? {})) this.addSecret(key, ref);
    for (const [file, content] of Object.entries(props.files ?? {})) this.addFile(file, content);
  }

  /** Adds a plain setting. A key already used by a setting or a secret throws. */
  public addSetting(key: string, value: string): void {
    assertValid(this.subject, 'settings', key, checkEnvName(key) ?? checkConfigKey(key) ?? checkObjectKey(key));
    assertValid(this.subject, `settings.${key}`, value, checkString(value));
    this.assertNoSecret(`settings.${key}`, key, value);
    this.assertNewKey('settings', key);
    const bytes = this.settingsBytes + utf8Bytes(value);
    assertValid(this.subject, `settings.${key}`, value, checkConfigMapSize(this.name, bytes));
    this.settingsBytes = bytes;
    this.settingsData[key] = value;
  }

  /** Adds a reference to a Secret key, exposed to consumers as the environment variable `key`. */
  public addSecret(key: string, ref: SecretKeyReference): void {
    assertValid(this.subject, 'secrets', key, checkEnvName(key) ?? checkObjectKey(key));
    assertValid(this.subject, `secrets.${key}`, ref, checkRecord(ref));
    assertValid(this.subject, `secrets.${key}.secretName`, ref.secretName, checkDnsSubdomain(ref.secretName));
    assertValid(this.subject, `secrets.${key}.key`, ref.key, checkConfigKey(ref.key));
    this.assertNewKey('secrets', key);
    this.secretRefs[key] = { secretName: ref.secretName, key: ref.key };
    this.env.requireSecret(this.subject, ref.secretName, ref.key);
  }

  /** Adds a file, mounted at `<mountPath>/<fileName>` in consumers. */
  public addFile(fileName: string, content: string): void {
    assertValid(this.subject, 'files', fileName, checkConfigKey(fileName) ?? checkObjectKey(fileName));
    assertValid(this.subject, `files.${fileName}`, content, checkString(content));
    this.assertNoSecret(`files.${fileName}`, fileName, content);
    if (Object.hasOwn(this.filesData, fileName)) fail(this.subject, 'files', fileName, 'must not repeat a file name');
    const bytes = this.filesBytes + utf8Bytes(content);
    assertValid(this.subject, `files.${fileName}`, content, checkConfigMapSize(this.filesName, bytes));
    this.filesBytes = bytes;
    this.filesData[fileName] = content;
    if (!this.filesMap) {
      this.env.claimName(this.subject, 'name', 'ConfigMap', this.filesName);
      this.filesMap = new k8s.KubeConfigMap(this, 'Files', {
        metadata: objectMeta(this.env, this.filesName, this.labels()),
        data: this.filesData,
      });
    }
  }

  /** A copy of the plain settings. */
  public get settings(): Record<string, string> {
    return { ...this.settingsData };
  }

  /** A copy of the files. */
  public get files(): Record<string, string> {
    return { ...this.filesData };
  }

  /** A copy of the Secret key references, by environment variable name. */
  public get secrets(): Record<string, SecretKeyReference> {
    return { ...this.secretRefs };
  }

  /** True when the bundle carries files to mount. */
  public get hasFiles(): boolean {
    return this.filesMap !== undefined;
  }

  /** Hash of everything a consumer sees; it changes whenever any value or reference changes. */
  public get contentHash(): string {
    return contentHash({ settings: this.settingsData, files: this.filesData, secrets: this.secretRefs });
  }

  /** The `envFrom` entries that consumers get: the settings ConfigMap. */
  public envFrom(): k8s.EnvFromSource[] {
    return [{ configMapRef: { name: this.name } }];
  }

  /** The variables that consumers get for the secret references (`valueFrom.secretKeyRef`), sorted by name. */
  public secretEnv(): k8s.EnvVar[] {
    return Object.keys(this.secretRefs)
      .sort()
      .map((key) => ({ name: key, valueFrom: { secretKeyRef: { name: this.secretRefs[key].secretName, key: this.secretRefs[key].key } } }));
  }

  /** What the gate's secret-literal rule would refuse in the ConfigMap, refused here, naming the prop but not the value. */
  private assertNoSecret(prop: string, key: string, value: string): void {
    const secret = configDataLiteralSecret(key, value);
    if (secret === undefined) return;
    throw new ValidationError(
      this.subject.kind,
      this.subject.path,
      prop,
      '<redacted>',
      `must not hold a secret: it holds ${secret}; put it in a Secret and reference it from 'secrets'`,
    );
  }

  private assertNewKey(prop: string, key: string): void {
    if (Object.hasOwn(this.settingsData, key) || Object.hasOwn(this.secretRefs, key)) {
      fail(this.subject, prop, key, 'must not repeat a key already used by a setting or a secret of this bundle');
    }
  }

  private labels(): Record<string, string> {
    return {
      'app.kubernetes.io/name': this.name,
      'app.kubernetes.io/instance': `${this.name}-${this.env.profile.name}`,
      'app.kubernetes.io/component': 'config',
      'app.kubernetes.io/part-of': this.env.partOf,
      'app.kubernetes.io/managed-by': this.env.managedBy,
    };
  }
}
