import { EnvironmentProfile, Profiles, defineProfile } from 'kubestack';

/** One deployment target of the orders service. */
export interface OrdersEnvironment {
  readonly profile: EnvironmentProfile;
  /** Image of the api that `cdk8s synth` writes; the Pulumi program runs the one CI pushed. */
  readonly apiImage: string;
  /** Public host of the api. */
  readonly host: string;
}

/** `app.kubernetes.io/part-of` of every object, and the id of each Environment. */
export const PART_OF = 'orders';

/** dev and prod, each in a namespace of its own. */
export const ENVIRONMENTS = {
  dev: {
    profile: defineProfile(Profiles.dev, { namespace: 'orders-dev' }),
    apiImage: 'registry.example.com/orders/api:1.4.0',
    host: 'orders.dev.example.com',
  },
  prod: {
    profile: defineProfile(Profiles.prod, { namespace: 'orders-prod' }),
    apiImage: 'registry.example.com/orders/api:1.4.0',
    host: 'orders.example.com',
  },
} as const satisfies Record<string, OrdersEnvironment>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];

export function isEnvironmentName(name: string): name is EnvironmentName {
  return Object.prototype.hasOwnProperty.call(ENVIRONMENTS, name);
}
