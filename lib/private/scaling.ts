import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
import { Construct } from 'constructs';
import { Environment } from '../environment';
import { AutoscalingSpec, EnvironmentProfile } from '../environment-profile';
import type { ScalingProps } from '../workload-props';
import { LintCheck } from './lint';
import { objectMeta } from './meta';
import { validateAutoscaling } from './resources';
import { Subject, assertValid, checkBoolean, checkInteger, fail } from './validate';

/**
 * How a Deployment of app pods scales and survives disruption: replicas or an HPA, a
 * PodDisruptionBudget and topology spread, resolved against the profile the same way for every
 * app workload (WebApp, Worker). Resolution and validation are pure; `addScalingObjects` renders.
 */

/** The scaling props with every default resolved. */
export interface Scaling {
  /** Replicas of the Deployment; `undefined` when an HPA owns them. */
  readonly replicas?: number;
  /** Settings of the HPA; `undefined` when autoscaling is off. */
  readonly autoscaling?: AutoscalingSpec;
  readonly podDisruptionBudget: boolean;
  readonly topologySpread: boolean;
  readonly zoneSpread: boolean;
  /** The most replicas that can run: the HPA's maxReplicas, or the fixed count. */
  readonly maxReplicas: number;
}

/** The workload whose pods the HPA, the PDB and the spread constraints target. */
export interface ScalingTarget {
  /** Name of the Deployment, also the name of the HPA and the PDB. */
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

/**
 * Resolves the scaling props against the profile (`replicas`, `autoscaling`, `zoneSpread`) and
 * validates them; a fixed replica count while an HPA is on fails rather than being dropped.
 */
export function resolveScaling(subject: Subject, profile: EnvironmentProfile, props: ScalingProps): Scaling {
  const autoscaling = props.autoscaling === false ? undefined : (props.autoscaling ?? profile.autoscaling);
  const replicas = autoscaling ? undefined : (props.replicas ?? profile.replicas);
  const podDisruptionBudget = props.podDisruptionBudget ?? true;
  const topologySpread = props.topologySpread ?? true;
  const zoneSpread = props.zoneSpread ?? profile.zoneSpread;

  if (props.replicas !== undefined) assertValid(subject, 'replicas', props.replicas, checkInteger(props.replicas, 1, 1000));
  if (props.autoscaling !== undefined && props.autoscaling !== false) validateAutoscaling(subject, 'autoscaling', props.autoscaling);
  if (props.replicas !== undefined && autoscaling) {
    // Never drop a prop silently: with an HPA the Deployment carries no replica count.
    fail(
      subject,
      'replicas',
      props.replicas,
      "must not be set while an HPA owns the replica count (set 'autoscaling: false' to pin replicas, or tune the HPA's minReplicas)",
    );
  }
  assertValid(subject, 'podDisruptionBudget', podDisruptionBudget, checkBoolean(podDisruptionBudget));
  assertValid(subject, 'topologySpread', topologySpread, checkBoolean(topologySpread));
  assertValid(subject, 'zoneSpread', zoneSpread, checkBoolean(zoneSpread));

  const maxReplicas = autoscaling ? autoscaling.maxReplicas : replicas!;
  return { replicas, autoscaling, podDisruptionBudget, topologySpread, zoneSpread, maxReplicas };
}

/** The production rules: at least two replicas (or HPA minReplicas), a PDB and topology spread. */
export function checkProductionScaling(subject: Subject, scaling: Scaling): void {
  const { autoscaling } = scaling;
  const least = autoscaling ? autoscaling.minReplicas : scaling.replicas!;
  assertValid(subject, autoscaling ? 'autoscaling.minReplicas' : 'replicas', least, least >= 2 ? undefined : 'must be at least 2 in a production environment');
  assertValid(
    subject,
    'podDisruptionBudget',
    scaling.podDisruptionBudget,
    scaling.podDisruptionBudget ? undefined : 'must be true in a production environment',
  );
  assertValid(subject, 'topologySpread', scaling.topologySpread, scaling.topologySpread ? undefined : 'must be true in a production environment');
}

/** The kube-score waivers that the scaling decisions call for (see lib/private/lint.ts). */
export function scalingLintChecks(scaling: Scaling): LintCheck[] {
  const checks: LintCheck[] = [];
  if (scaling.replicas !== undefined && scaling.replicas < 2) checks.push('deployment-replicas');
  if (scaling.topologySpread && scaling.maxReplicas > 1) checks.push('deployment-has-host-podantiaffinity');
  return checks;
}

/** Spread across nodes (ScheduleAnyway, maxSkew 1) and, with `zoneSpread`, across zones; empty when off. */
export function topologySpreadConstraints(scaling: Scaling, selector: Record<string, string>): k8s.TopologySpreadConstraint[] {
  if (!scaling.topologySpread) return [];
  const keys = scaling.zoneSpread ? ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'] : ['kubernetes.io/hostname'];
  return keys.map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...selector } } }));
}

/**
 * Creates the HPA (id `Hpa`, CPU utilization) when autoscaling is on, and the PDB (id `Pdb`,
 * maxUnavailable 1, unhealthy pods always evictable) when it is on and more than one replica can
 * run; claims their names in the Environment.
 */
export function addScalingObjects(
  scope: Construct,
  env: Environment,
  subject: Subject,
  target: ScalingTarget,
  scaling: Scaling,
): { hpa?: k8s.KubeHorizontalPodAutoscalerV2; pdb?: k8s.KubePodDisruptionBudget } {
  const { autoscaling } = scaling;
  let hpa: k8s.KubeHorizontalPodAutoscalerV2 | undefined;
  let pdb: k8s.KubePodDisruptionBudget | undefined;
  if (autoscaling) {
    env.claimName(subject, 'name', 'HorizontalPodAutoscaler', target.name);
    hpa = new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Hpa', {
      metadata: objectMeta(env, target.name, target.labels),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.name },
        minReplicas: autoscaling.minReplicas,
        maxReplicas: autoscaling.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: autoscaling.targetCpuPercent } } }],
      },
    });
  }
  if (scaling.podDisruptionBudget && scaling.maxReplicas > 1) {
    env.claimName(subject, 'name', 'PodDisruptionBudget', target.name);
    pdb = new k8s.KubePodDisruptionBudget(scope, 'Pdb', {
      metadata: objectMeta(env, target.name, target.labels),
      spec: {
        maxUnavailable: k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...target.selector } },
        // A pod that is not ready protects nothing: let a node drain evict it rather than block.
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });
  }
  return { hpa, pdb };
}
