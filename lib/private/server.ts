import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { ClientWorkload } from '../connection';
import { Environment } from '../environment';
import { objectMeta, workloadLabels } from './meta';
import { Subject } from './validate';

/** What a server (PostgresDb, RedisCache) is called and how clients reach it. */
export interface ServerSpec {
  /** Name of the workload, of the client Service and of the NetworkPolicy. */
  readonly name: string;
  /** `app.kubernetes.io/component` of its objects (`database`, `cache`). */
  readonly component: string;
  /** Kind of the workload, for its name claim. */
  readonly workloadKind: 'StatefulSet' | 'Deployment';
  /** Name of the container port, of both Service ports and of their target. */
  readonly portName: string;
  /** Port the server and its Services listen on. */
  readonly port: number;
  /** Whether a headless Service `<name>-headless` governs the workload (a StatefulSet). */
  readonly headless: boolean;
}

/** A server's names, claimed in its Environment, and its labels. */
export interface ServerIdentity extends ServerSpec {
  /** Host name of the client Service (the server's `name`). */
  readonly host: string;
  /** Name of the headless Service, `<name>-headless` (claimed and created only when `headless`). */
  readonly headlessServiceName: string;
  /** The recommended labels of every object of the server. */
  readonly labels: Record<string, string>;
  /** Labels that select the server's pod. */
  readonly selector: Record<string, string>;
}

/**
 * Claims the names of a server's objects (workload, client Service, headless Service when there
 * is one, NetworkPolicy), so that a clash fails here, and resolves its labels. Call it after the
 * props are validated and before creating any object.
 */
export function claimServer(env: Environment, subject: Subject, spec: ServerSpec): ServerIdentity {
  const headlessServiceName = `${spec.name}-headless`;
  env.claimName(subject, 'name', spec.workloadKind, spec.name);
  env.claimName(subject, 'name', 'Service', spec.name);
  if (spec.headless) env.claimName(subject, 'name', 'Service', headlessServiceName);
  env.claimName(subject, 'name', 'NetworkPolicy', spec.name);
  const { labels, selector } = workloadLabels(env, spec.name, spec.component);
  return { ...spec, host: spec.name, headlessServiceName, labels, selector };
}

/**
 * What is around a server's workload: the headless Service (when there is one), the client
 * Service that `host` names, and the NetworkPolicy that admits only the clients allowed with
 * `allow()`. Create it after the workload, so that these objects follow it in the output.
 */
export class ServerEndpoints {
  /** The client Service (ClusterIP), construct id `Service`. */
  public readonly service: k8s.KubeService;
  private readonly networkPolicy: ServerNetworkPolicy;

  constructor(scope: Construct, env: Environment, server: ServerIdentity) {
    const { labels, selector, port, portName } = server;
    const ports = (): k8s.ServicePort[] => [{ name: portName, port, targetPort: k8s.IntOrString.fromString(portName), protocol: 'TCP' }];
    if (server.headless) {
      new k8s.KubeService(scope, 'HeadlessService', {
        metadata: objectMeta(env, server.headlessServiceName, labels),
        spec: { clusterIp: 'None', selector: { ...selector }, ports: ports() },
      });
    }
    this.service = new k8s.KubeService(scope, 'Service', {
      metadata: objectMeta(env, server.name, labels),
      spec: { type: 'ClusterIP', selector: { ...selector }, ports: ports() },
    });
    this.networkPolicy = new ServerNetworkPolicy(scope, env, server.name, labels, selector, port);
  }

  /** Lets `client` through the NetworkPolicy; allowing the same client again does nothing. */
  public allow(client: ClientWorkload): void {
    this.networkPolicy.allow(client);
  }

  /** The workloads allowed to connect, in the order they were allowed. */
  public get allowed(): readonly ClientWorkload[] {
    return this.networkPolicy.allowed;
  }
}

/** An environment variable read from a Secret key, so that the value never appears in the manifests. */
export function secretKeyEnv(name: string, secretName: string, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: secretName, key } } };
}

/** `<PREFIX>_HOST` and `<PREFIX>_PORT` of a server's client Service, the start of every connection env. */
export function hostPortEnv(prefix: string, server: { readonly host: string; readonly port: number }): k8s.EnvVar[] {
  return [
    { name: `${prefix}_HOST`, value: server.host },
    { name: `${prefix}_PORT`, value: String(server.port) },
  ];
}

/**
 * A NetworkPolicy that admits ingress to a server's pods only from the clients wired to it, and
 * denies all egress (a database or cache never opens a connection; loopback is not affected).
 * With no client, `ingress` is left out, which denies all ingress (an empty `from` would allow
 * everything, so it is never written).
 */
export class ServerNetworkPolicy {
  private readonly clients: ClientWorkload[] = [];
  public readonly policy: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, env: Environment, name: string, labels: Record<string, string>, selector: Record<string, string>, port: number) {
    this.policy = new k8s.KubeNetworkPolicy(scope, 'NetworkPolicy', {
      metadata: objectMeta(env, name, labels),
      spec: {
        podSelector: { matchLabels: { ...selector } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: Lazy.any({
          produce: () =>
            this.clients.length === 0
              ? undefined
              : [
                  {
                    from: this.clients.map((c) => ({ podSelector: { matchLabels: { ...c.selector } } })),
                    ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) }],
                  },
                ],
        }),
      },
    });
  }

  public allow(client: ClientWorkload): void {
    if (!this.clients.some((c) => c.path === client.path)) this.clients.push(client);
  }

  public get allowed(): readonly ClientWorkload[] {
    return [...this.clients];
  }
}

/** A probe that runs `command` with `sh -c` in the container. */
export function execProbe(command: string, periodSeconds: number, failureThreshold: number, initialDelaySeconds = 0): k8s.Probe {
  return {
    exec: { command: ['sh', '-c', command] },
    initialDelaySeconds: initialDelaySeconds || undefined,
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}

/** A probe that only checks that the container accepts TCP connections on the named port. */
export function tcpProbe(port: string, periodSeconds: number, failureThreshold: number, initialDelaySeconds = 0): k8s.Probe {
  return {
    tcpSocket: { port: k8s.IntOrString.fromString(port) },
    initialDelaySeconds: initialDelaySeconds || undefined,
    periodSeconds,
    timeoutSeconds: 5,
    failureThreshold,
  };
}
