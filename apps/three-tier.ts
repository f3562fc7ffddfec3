import { ConfigBundle, CronJob, Environment, Job, PostgresDb, RedisCache, WebApp } from 'kubestack';

/** What differs between deployments of the reference app, beyond the profile. */
export interface ThreeTierOptions {
  /** Image of the web app: a tag for `synth`, a digest when Pulumi has built it. */
  readonly image: string;
  /**
   * Ingress hosts of the web app.
   * @default - ['web.<profile domain>']
   */
  readonly hosts?: string[];
}

/** The constructs of the reference app, for wiring and tests. */
export interface ThreeTierApp {
  readonly web: WebApp;
  readonly postgres: PostgresDb;
  readonly redis: RedisCache;
  readonly config: ConfigBundle;
  /** The schema migration, which the web app runs after. */
  readonly migrate: Job;
  /** The nightly clean-up of old visit records. */
  readonly prune: CronJob;
}

/**
 * The classic three-tier app from the Docker/Kubernetes guides: a Node.js web app behind an
 * nginx Ingress, Redis 7 as an LRU cache and Postgres 16 on a 10Gi volume.
 */
export function buildThreeTier(env: Environment, options: ThreeTierOptions): ThreeTierApp {
  const config = new ConfigBundle(env, 'app-config', {
    settings: {
      NODE_ENV: env.profile.production ? 'production' : 'development',
      LOG_LEVEL: env.profile.production ? 'info' : 'debug',
      APP_ENV: env.profile.name,
    },
    secrets: {
      SESSION_SECRET: { secretName: 'web-secrets', key: 'session-secret' },
    },
    files: {
      'app.properties': `greeting=Hello from ${env.profile.name}\nvisits.key=visits\n`,
    },
    mountPath: '/app/config',
  });

  const postgres = new PostgresDb(env, 'postgres', { database: 'app' });

  const redis = new RedisCache(env, 'redis', {
    maxmemory: '256mb',
    maxmemoryPolicy: 'allkeys-lru',
    passwordSecret: { secretName: 'redis-auth', key: 'password' },
  });

  const web = new WebApp(env, 'web', {
    image: options.image,
    port: 8080,
    env: { PORT: '8080', CONFIG_DIR: '/app/config' },
    config: [config],
    livenessPath: '/healthz',
    readinessPath: '/ready',
    startupPath: '/health',
    ingress: {
      hosts: options.hosts,
      annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '1m' },
    },
  });
  web.connect(postgres);
  web.connect(redis);

  // The schema migration runs in the app's image before every release that changes it: the web
  // Deployment rolls out only after the Job has completed.
  const migrate = new Job(env, 'migrate', { image: options.image, command: ['node', 'src/maintenance.js', 'migrate'] });
  migrate.connect(postgres);
  web.runsAfter(migrate);

  const prune = new CronJob(env, 'prune-visits', {
    image: options.image,
    schedule: '0 3 * * *',
    timeZone: 'Etc/UTC',
    command: ['node', 'src/maintenance.js', 'prune', '30'],
  });
  prune.connect(postgres);

  return { web, postgres, redis, config, migrate, prune };
}
