import { ApiObject, Chart, ChartProps, JsonPatch } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct, IConstruct } from 'constructs';
import { RequiredSecret } from './connection';
import { EnvironmentProfile, validateProfile } from './environment-profile';
import { PolicyOptions, PolicyReport, PolicyViolationError, PolicyWaiver, checkPolicy as runPolicyGate, formatViolations, formatWaivers } from './policy';
import { Subject, assertValid, checkDnsLabel, fail } from './private/validate';
import { assertSinglePeerCopies } from './private/peers';
import { apiObjectsJson } from './private/object-json';
import { orderedObjects } from './private/object-order';

const ENVIRONMENT = Symbol.for('kubestack.Environment');

/** The Environments of each app (construct tree root), by namespace. */
const environmentsByRoot = new WeakMap<IConstruct, Map<string, Environment>>();

/** Props of an {@link Environment}. */
export interface EnvironmentProps extends Omit<ChartProps, 'namespace' | 'labels'> {
  /** The environment's defaults and rules. */
  readonly profile: EnvironmentProfile;
  /**
   * Value of `app.kubernetes.io/part-of` on every object.
   * @default - the construct id of the environment's parent app, or `app`
   */
  readonly partOf?: string;
  /**
   * Value of `app.kubernetes.io/managed-by` on every object.
   * @default 'kubestack'
   */
  readonly managedBy?: string;
}

/** Thrown by {@link Environment.synthesize} when a construct's validation fails; the message lists each as cdk8s does. */
export class EnvironmentValidationError extends Error {
  /**
   * A report of failed construct validations.
   * @param errors one `[construct path] message` entry per failed validation
   */
  constructor(
    /** One `[construct path] message` entry per failed validation. */
    public readonly errors: readonly string[],
  ) {
    super(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
    this.name = 'EnvironmentValidationError';
  }
}

/** What {@link Environment.synthesize} returns: the objects to write, and the waivers to print. */
export interface EnvironmentSynthesis {
  /** Every object of the environment and of its nested charts, in the order `app.synth()` writes them. */
  readonly objects: Record<string, unknown>[];
  /** Every waiver annotation the policy gate found. */
  readonly waivers: PolicyWaiver[];
}

/**
 * One environment (dev, staging, prod…) of an application: a cdk8s Chart that owns a Namespace
 * enforcing Pod Security "restricted", and the profile that every construct inside it reads its
 * defaults from.
 *
 * The policy gate is one of the Environment's validations: every synthesis (`app.synth()`,
 * `app.synthYaml()`, `chart.toJson()`, `Testing.synth(chart)`, `cdk8s synth`) checks every
 * object of the Environment and of the charts nested in it, and fails on a violation.
 */
export class Environment extends Chart {
  /**
   * Implements `instanceof Environment`. Chart implements `instanceof` with `Chart.isChart`, and a
   * subclass inherits that static method: without this override every Chart would pass as an
   * Environment.
   * @internal
   */
  public static [Symbol.hasInstance](o: unknown): o is Environment {
    return typeof o === 'object' && o !== null && ENVIRONMENT in o;
  }

  /** The closest Environment above `scope`; throws a clear error when there is none. */
  public static of(scope: IConstruct, subject?: Subject): Environment {
    for (let c: IConstruct | undefined = scope; c; c = c.node.scope) {
      if (c instanceof Environment) return c as Environment;
    }
    const who = subject ?? { kind: 'construct', path: scope.node.path };
    return fail(who, 'scope', scope.node.path, "must be inside an Environment (new Environment(app, 'dev', { profile: Profiles.dev }))");
  }

  /** The environment's defaults and rules, which every construct inside reads. */
  public readonly profile: EnvironmentProfile;
  /**
   * Namespace of every object in this environment: the profile's namespace. The inherited Chart
   * `namespace` has the same value, so cdk8s puts every object created in the Environment into
   * it; the policy gate's `namespace` rule checks that nested charts do too.
   */
  public readonly namespaceName: string;
  /** Value of `app.kubernetes.io/part-of` on every object. */
  public readonly partOf: string;
  /** Value of `app.kubernetes.io/managed-by` on every object. */
  public readonly managedBy: string;
  /** The Namespace object, labelled so that Pod Security "restricted" is enforced. */
  public readonly namespaceObject: k8s.KubeNamespace;

  private readonly claimed = new Map<string, string>();
  private readonly secrets = new Map<string, { keys: Set<string>; urlKeys: Set<string>; requiredBy: string }>();
  /** True while {@link synthesize} runs the validations: it runs the gate itself, once. */
  private gateDeferred = false;
  /** The waiver lines printed by the current synthesis, so that its several validation passes print them once. */
  private printedWaivers?: string;

  /**
   * Creates the environment's chart and Namespace, validates the profile and registers the policy
   * gate as a validation of every synthesis.
   * @param scope the cdk8s App (or a construct in it)
   * @param id construct id; also the name of the YAML file (`<id>.k8s.yaml`)
   * @param props the profile and the common labels
   */
  constructor(scope: Construct, id: string, props: EnvironmentProps) {
    // Two copies of cdk8s or constructs fail here with a fix, not later deep inside cdk8s.
    assertSinglePeerCopies(scope);
    // The profile is validated below; a malformed one fails there, before anything is synthesized.
    super(scope, id, { namespace: props?.profile?.namespace, disableResourceNameHashes: true });
    Object.defineProperty(this, ENVIRONMENT, { value: true });
    const subject = { kind: 'environment', path: this.node.path };
    assertValid(subject, 'profile', props?.profile, props?.profile ? undefined : 'must be an EnvironmentProfile');
    validateProfile(props.profile);
    this.profile = props.profile;
    this.namespaceName = props.profile.namespace;
    this.partOf = props.partOf ?? 'app';
    this.managedBy = props.managedBy ?? 'kubestack';
    assertValid(subject, 'partOf', this.partOf, checkDnsLabel(this.partOf));
    assertValid(subject, 'managedBy', this.managedBy, checkDnsLabel(this.managedBy));
    // Names are claimed per Environment, so two Environments of one app must not share a
    // namespace: both would create the Namespace and could create the same objects in it.
    // Looked up in a registry per app rather than by walking the whole tree, which made an app
    // of many Environments quadratic to build.
    const byNamespace = environmentsByRoot.get(this.node.root) ?? new Map<string, Environment>();
    environmentsByRoot.set(this.node.root, byNamespace);
    const other = byNamespace.get(this.namespaceName);
    if (other !== undefined && isInTree(other)) {
      fail(subject, 'profile.namespace', this.namespaceName, `must be unique per app: Environment '${other.node.path}' already uses it`);
    }
    byNamespace.set(this.namespaceName, this);

    this.namespaceObject = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.namespaceName,
        labels: {
          'app.kubernetes.io/part-of': this.partOf,
          'app.kubernetes.io/managed-by': this.managedBy,
          'kubestack.io/environment': this.profile.name,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    // A Namespace is cluster-scoped: it must not carry the namespace that the chart stamps on
    // every object.
    this.namespaceObject.addJsonPatch(JsonPatch.remove('/metadata/namespace'));

    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /** The policy gate's options for this environment: its profile, its required Secrets and its namespace. */
  public get policyOptions(): PolicyOptions {
    return {
      production: this.profile.production,
      requiredSecrets: this.requiredSecrets,
      environment: this.profile.name,
      namespace: this.namespaceName,
    };
  }

  /**
   * Records that `owner` owns the object `kind/name` in this environment's namespace. Two
   * constructs that claim the same name in one namespace fail here, at construct time, rather
   * than one silently overwriting the other in the cluster.
   */
  public claimName(owner: Subject, prop: string, kind: string, name: string): void {
    const key = `${kind}/${name}`;
    const previous = this.claimed.get(key);
    if (previous !== undefined && previous !== owner.path) {
      fail(owner, prop, name, `must be unique per kind in namespace '${this.namespaceName}': ${kind} '${name}' is already created by '${previous}'`);
    }
    this.claimed.set(key, owner.path);
  }

  /**
   * Records that a workload reads `key` from the Secret `secretName`. The manifests only hold the
   * reference; `requiredSecrets` tells the README, `kubectl create secret` and the Pulumi stack
   * which Secrets to create. `inUrl` marks a key whose value `$(VAR)` interpolation places into a
   * URL, so that only URL-safe values are accepted where the Secret is set.
   */
  public requireSecret(owner: Subject, secretName: string, key: string, options: { inUrl?: boolean } = {}): void {
    const entry = this.secrets.get(secretName) ?? { keys: new Set<string>(), urlKeys: new Set<string>(), requiredBy: owner.path };
    entry.keys.add(key);
    if (options.inUrl === true) entry.urlKeys.add(key);
    this.secrets.set(secretName, entry);
  }

  /** Every Secret the environment's workloads reference, sorted by name, keys sorted; `urlKeys` only where a key goes into a URL. */
  public get requiredSecrets(): RequiredSecret[] {
    return [...this.secrets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([secretName, e]) => ({
        secretName,
        keys: [...e.keys].sort(),
        requiredBy: e.requiredBy,
        ...(e.urlKeys.size > 0 ? { urlKeys: [...e.urlKeys].sort() } : {}),
      }));
  }

  /**
   * Every ApiObject that `app.synth()` writes for this environment: the Environment's own objects
   * (Namespace first), then those of every Chart nested below it, any depth, a chart before the
   * charts nested in it. The objects of each chart are in the order `chart.toJson()` gives them
   * (dependencies first). Unlike `chart.toJson()`, runs no validation, so a validation can call it.
   *
   * cdk8s itself writes a nested chart's file (`0000-…`) before its parent's, because it makes a
   * chart depend on the charts nested in it; the Environment comes first here so that one file of
   * all the objects creates the Namespace before the objects in it.
   *
   * Resolves the construct tree's dependencies into object dependencies first, as every cdk8s
   * synthesis does (adding a dependency twice is a no-op), so that each chart's order is the one
   * written.
   */
  public allApiObjects(): ApiObject[] {
    // cdk8s's own resolveDependencies and DependencyGraph order, in linear time (lib/private/object-order.ts).
    return orderedObjects(this);
  }

  /**
   * Every Kubernetes object of the environment and of its nested charts as plain JSON, exactly as
   * `app.synth()` writes them, in the order of {@link allApiObjects}. Runs no validation.
   */
  public manifests(): Record<string, unknown>[] {
    // The JSON of `o.toJson()`, computed without cdk8s's generic resolution where that is exact (lib/private/object-json.ts).
    return apiObjectsJson(this.allApiObjects());
  }

  /**
   * Runs the policy gate over `objects` with this environment's {@link policyOptions}; returns
   * the violations and waivers without throwing.
   */
  public checkPolicy(objects: readonly unknown[] = this.manifests()): PolicyReport {
    return runPolicyGate(objects, this.policyOptions);
  }

  /**
   * Synthesizes the environment for a caller that writes the objects itself (the YAML writer, the
   * Pulumi program): runs every validation of the constructs under the Environment once (throwing
   * one Error that lists `[path] message`, as cdk8s does), then the policy gate once (throwing its
   * `PolicyViolationError`), and returns the objects and the waivers. Prints nothing.
   */
  public synthesize(): EnvironmentSynthesis {
    const errors: string[] = [];
    this.gateDeferred = true;
    try {
      for (const c of this.node.findAll()) for (const e of c.node.validate()) errors.push(`[${c.node.path}] ${e}`);
    } finally {
      this.gateDeferred = false;
    }
    if (errors.length > 0) throw new EnvironmentValidationError(errors);
    const objects = this.manifests();
    const report = this.checkPolicy(objects);
    if (report.violations.length > 0) throw new PolicyViolationError(report.violations, report.waivers, this.profile.name);
    return { objects, waivers: report.waivers };
  }

  /**
   * The gate as a node validation: one error listing every violation, waivers printed to stderr.
   * cdk8s validates the whole app once more for every chart it writes, all in one synchronous call:
   * a waiver list is printed once until the call returns (a microtask forgets it), so the next
   * synthesis prints it again.
   */
  private validatePolicy(): string[] {
    if (this.gateDeferred) return [];
    let objects: Record<string, unknown>[];
    try {
      objects = this.manifests();
    } catch (e) {
      // Reported with the other validation errors rather than hiding them.
      return [`policy gate: cannot synthesize environment '${this.profile.name}' to check it: ${e instanceof Error ? e.message : String(e)}`];
    }
    const report = this.checkPolicy(objects);
    const lines = formatWaivers(report.waivers, this.profile.name).join('\n');
    if (lines !== '' && lines !== this.printedWaivers) {
      process.stderr.write(`${lines}\n`);
      if (this.printedWaivers === undefined) queueMicrotask(() => (this.printedWaivers = undefined));
      this.printedWaivers = lines;
    }
    return report.violations.length > 0 ? [formatViolations(report.violations, this.profile.name)] : [];
  }
}

/** False once `c` or one of its scopes has been removed from its parent (`tryRemoveChild`). */
function isInTree(c: IConstruct): boolean {
  for (let cur = c, scope = c.node.scope; scope; cur = scope, scope = scope.node.scope) {
    if (scope.node.tryFindChild(cur.node.id) !== cur) return false;
  }
  return true;
}
