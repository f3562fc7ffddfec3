import { Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ClientWorkload } from '../connection';
import { Environment } from '../environment';
import { objectMeta } from './meta';

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
