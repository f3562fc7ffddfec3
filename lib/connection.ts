import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

/** A workload that can be allowed to reach a server: its name and pod selector. */
export interface ClientWorkload {
  /** Path of the client construct, for dependency records and messages. */
  readonly path: string;
  /** Name of the client workload. */
  readonly name: string;
  /** Labels that select the client's pods. */
  readonly selector: Record<string, string>;
}

/** A server that web workloads can be wired to with `WebApp.connect()`. */
export interface Connectable {
  /** Service DNS name that clients use inside the namespace. */
  readonly host: string;
  /** Service port. */
  readonly port: number;
  /** Environment variables a client needs, in an order where `$(VAR)` references resolve. */
  connectionEnv(): k8s.EnvVar[];
  /** Lets `client` reach this server through its NetworkPolicy. */
  allowFrom(client: ClientWorkload): void;
}

/** A Secret key that the manifests reference but do not contain. */
export interface RequiredSecret {
  /** Name of the Secret. */
  readonly secretName: string;
  /** Keys the workloads read from it. */
  readonly keys: readonly string[];
  /** Path of the construct that needs it. */
  readonly requiredBy: string;
  /**
   * Keys whose values `$(VAR)` interpolation places into a URL (`DATABASE_URL`, `REDIS_URL`), so
   * they must use only URL-safe characters (A-Z a-z 0-9 - . _ ~): `secretsFromConfig` and the
   * `kubectl` commands reject other values instead of writing a URL that points elsewhere.
   *
   * @default - none
   */
  readonly urlKeys?: readonly string[];
}
