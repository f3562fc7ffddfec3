import { ConfigBundle, Environment, PostgresDb, RedisCache, WebApp } from 'kubestack';

/** What differs between deployments of the orders service, beyond the profile. */
export interface OrdersOptions {
  /** Image of the api: a tag for `cdk8s synth`, the placeholder under Pulumi. */
  readonly apiImage: string;
  /** Public host of the api. */
  readonly host: string;
}

/**
 * The orders service: the stores every workload shares, and the workloads that use them. Each
 * workload is one function of (env, stores, options), so a new one (a queue worker, the migration
 * Job, a nightly CronJob) is one more function and one more line in {@link buildOrders}.
 */
export interface OrdersStores {
  /** Orders, in Postgres. */
  readonly db: PostgresDb;
  /** Jobs for the workers: Redis that never evicts a key, with a password. */
  readonly queue: RedisCache;
  /** Settings and secrets that every workload of the service reads. */
  readonly config: ConfigBundle;
}

/** Every construct of the service, for the Pulumi program and the tests. */
export interface OrdersApp extends OrdersStores {
  readonly api: WebApp;
}

export function buildOrders(env: Environment, options: OrdersOptions): OrdersApp {
  const stores = buildStores(env);
  const api = buildApi(env, stores, options);
  return { ...stores, api };
}

function buildStores(env: Environment): OrdersStores {
  const db = new PostgresDb(env, 'db', { database: 'orders' });
  const queue = new RedisCache(env, 'queue', {
    maxmemory: '128mb',
    // A queue must fail a write when it is full rather than drop a job.
    maxmemoryPolicy: 'noeviction',
    persistence: true,
    passwordSecret: { secretName: 'queue-auth', key: 'password' },
  });
  const config = new ConfigBundle(env, 'orders-config', {
    settings: {
      LOG_LEVEL: env.profile.production ? 'info' : 'debug',
      ORDERS_QUEUE: 'orders:jobs',
    },
    secrets: {
      PAYMENTS_API_KEY: { secretName: 'payments', key: 'api-key' },
    },
  });
  return { db, queue, config };
}

/** The public HTTP api: takes orders, stores them, and queues the work. */
function buildApi(env: Environment, stores: OrdersStores, options: OrdersOptions): WebApp {
  const api = new WebApp(env, 'api', {
    image: options.apiImage,
    port: 8080,
    config: [stores.config],
    livenessPath: '/healthz',
    readinessPath: '/ready',
    // TLS comes from the profile: prod terminates it with the Secret 'api-tls', dev has none.
    ingress: { hosts: [options.host] },
  });
  api.connect(stores.db);
  api.connect(stores.queue);
  return api;
}
