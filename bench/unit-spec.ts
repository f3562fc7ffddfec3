// What one benchmark unit is, shared by "ours" (units.ts) and "baseline" (baseline.ts). This file
// imports nothing, so that loading the baseline never loads the library.

/** Namespace and `app.kubernetes.io/part-of` value of every benchmark object. */
export const BENCH_NAMESPACE = 'bench';
export const BENCH_PART_OF = 'bench';
/** Image of every web app (pinned, as the production profile demands). */
export const BENCH_IMAGE = 'registry.example.com/bench/web:1.0.0';

/**
 * Kubernetes objects per unit: ConfigBundle 2 (settings and files ConfigMaps), PostgresDb 4
 * (StatefulSet, headless Service, Service, NetworkPolicy), RedisCache 3 (Deployment, Service,
 * NetworkPolicy), WebApp 6 (Deployment, Service, NetworkPolicy, Ingress, HPA, PDB).
 */
export const OBJECTS_PER_UNIT = 15;

/** Objects in a synthesized run of `n` units: the units plus the Namespace. */
export function objectCount(n: number): number {
  return n * OBJECTS_PER_UNIT + 1;
}

/** The zero-padded suffix of unit `i` (`0042`), so that names sort in creation order. */
export function unitSuffix(i: number): string {
  return String(i).padStart(4, '0');
}
