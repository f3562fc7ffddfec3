import { EnvironmentProfile, Profiles, defineProfile } from 'kubestack';

/** One deployment target of the reference app. */
export interface AppEnvironment {
  readonly profile: EnvironmentProfile;
  /** Image that `synth` writes; the Pulumi stacks replace it with the built or configured one. */
  readonly image: string;
}

export const PART_OF = 'three-tier';
export const DEFAULT_IMAGE = 'registry.example.com/three-tier/web:0.1.0';

/** dev, staging and prod, each in a namespace of its own. */
export const ENVIRONMENTS: Record<'dev' | 'staging' | 'prod', AppEnvironment> = {
  dev: { profile: defineProfile(Profiles.dev, { namespace: 'three-tier-dev' }), image: DEFAULT_IMAGE },
  staging: { profile: defineProfile(Profiles.staging, { namespace: 'three-tier-staging' }), image: DEFAULT_IMAGE },
  prod: { profile: defineProfile(Profiles.prod, { namespace: 'three-tier-prod' }), image: DEFAULT_IMAGE },
};

export type EnvironmentName = keyof typeof ENVIRONMENTS;
export const ENVIRONMENT_NAMES = Object.keys(ENVIRONMENTS) as EnvironmentName[];
