import { Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { RequiredSecret } from './connection';
import { EnvironmentProfile, validateProfile } from './environment-profile';
import { Subject, assertValid, checkDnsLabel, fail } from './private/validate';

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

/**
 * One environment (dev, staging, prod…) of an application: a cdk8s Chart that owns a Namespace
 * enforcing Pod Security "restricted", and the profile that every construct inside it reads its
 * defaults from.
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

  public readonly profile: EnvironmentProfile;
  /**
   * Namespace of every object in this environment. (Not the inherited Chart `namespace`, which
   * cdk8s would also stamp on the cluster-scoped Namespace object.)
   */
  public readonly namespaceName: string;
  public readonly partOf: string;
  public readonly managedBy: string;
  /** The Namespace object, labelled so that Pod Security "restricted" is enforced. */
  public readonly namespaceObject: k8s.KubeNamespace;

  private readonly claimed = new Map<string, string>();
  private readonly secrets = new Map<string, { keys: Set<string>; requiredBy: string }>();

  constructor(scope: Construct, id: string, props: EnvironmentProps) {
    super(scope, id, { disableResourceNameHashes: true });
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
   * which Secrets to create.
   */
  public requireSecret(owner: Subject, secretName: string, key: string): void {
    const entry = this.secrets.get(secretName) ?? { keys: new Set<string>(), requiredBy: owner.path };
    entry.keys.add(key);
    this.secrets.set(secretName, entry);
  }

  /** Every Secret the environment's workloads reference, sorted by name, keys sorted. */
  public get requiredSecrets(): RequiredSecret[] {
    return [...this.secrets.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([secretName, e]) => ({ secretName, keys: [...e.keys].sort(), requiredBy: e.requiredBy }));
  }
}

/** False once `c` or one of its scopes has been removed from its parent (`tryRemoveChild`). */
function isInTree(c: IConstruct): boolean {
  for (let cur = c, scope = c.node.scope; scope; cur = scope, scope = scope.node.scope) {
    if (scope.node.tryFindChild(cur.node.id) !== cur) return false;
  }
  return true;
}
