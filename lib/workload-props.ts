import { ConfigBundle } from './config-bundle';
import { AutoscalingSpec, ResourceSpec } from './environment-profile';

/** The container and pod settings every app workload (`WebApp`, `Worker`, `Job`, `CronJob`) shares. */
export interface WorkloadProps {
  /** Container image, pinned by a tag other than `latest` or by a digest (in every environment). */
  readonly image: string;
  /**
   * Entrypoint override.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments.
   * @default - the image's CMD
   */
  readonly args?: string[];
  /**
   * Plain environment variables. Secrets go through a ConfigBundle or `connect()`.
   * @default {}
   */
  readonly env?: Record<string, string>;
  /**
   * Configuration consumed as environment (settings and secret references) and, when the bundle
   * has files, as files mounted at the bundle's `mountPath`.
   * @default []
   */
  readonly config?: ConfigBundle[];
  /**
   * Requests and limits; fields left out come from the profile.
   * @default - the profile's resources for the construct's kind: `resources.web` for a WebApp,
   *   `resources.worker` for a Worker, `resources.job` for a Job or CronJob
   */
  readonly resources?: Partial<ResourceSpec>;
  /**
   * UID and GID the container runs as (never root); 1000 is the `node` user of the official
   * Node.js images.
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Absolute paths the container may write to, each backed by an emptyDir (64Mi); the rest of the
   * root filesystem is read-only.
   * @default ['/tmp']
   */
  readonly writablePaths?: string[];
  /**
   * Secrets (type `kubernetes.io/dockerconfigjson`) used to pull the image from a private registry.
   * @default []
   */
  readonly imagePullSecrets?: string[];
}

/** How a long-running workload (`WebApp`, `Worker`) scales and stays available, following the profile. */
export interface ScalingProps {
  /**
   * Replicas when no HPA owns them. Setting it while an HPA is on (from the props or the profile)
   * fails: pass `autoscaling: false` to pin the count.
   * @default - the profile's `replicas`
   */
  readonly replicas?: number;
  /**
   * Horizontal Pod Autoscaler on CPU; `false` turns it off. When on, `replicas` is left out of
   * the Deployment so that the HPA owns it.
   * @default - the profile's `autoscaling`
   */
  readonly autoscaling?: AutoscalingSpec | false;
  /**
   * Create a PodDisruptionBudget (maxUnavailable 1, unhealthy pods always evictable) when more than one replica can run.
   * @default true
   */
  readonly podDisruptionBudget?: boolean;
  /**
   * Spread pods across nodes (ScheduleAnyway, maxSkew 1).
   * @default true
   */
  readonly topologySpread?: boolean;
  /**
   * Also spread pods across zones (`topology.kubernetes.io/zone`).
   * @default - the profile's `zoneSpread`
   */
  readonly zoneSpread?: boolean;
}
