import { ConfigBundle, CronJob, Environment, Job, PostgresDb, RedisCache, WebApp, Worker } from 'kubestack';

/** What differs between deployments of the orders service, beyond the profile. */
export interface OrdersOptions {
  /**
   * Image of the api: a tag for `cdk8s synth`, the placeholder under Pulumi. The worker, the
   * migration and the nightly task run the same image with another command.
   */
  readonly apiImage: string;
  /** Public host of the api. */
  readonly host: string;
}

/**
 * The orders service: the stores every workload shares, and the workloads that use them. Each
 * workload is one function of (env, stores, options), so a new one is one more function and one
 * more line in {@link buildOrders}.
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
  /** The schema migration, run once per release that changes it. */
  readonly migrate: Job;
  readonly api: WebApp;
  readonly worker: Worker;
  /** The nightly expiry of unpaid orders. */
  readonly expireOrders: CronJob;
}

export function buildOrders(env: Environment, options: OrdersOptions): OrdersApp {
  const stores = buildStores(env);
  const migrate = buildMigrate(env, stores, options);
  const api = buildApi(env, stores, options);
  const worker = buildWorker(env, stores, options);
  const expireOrders = buildExpireOrders(env, stores, options);
  // The api and the worker start only on a migrated schema: in the YAML the Job comes first (and
  // in an earlier Argo CD wave), under Pulumi their Deployments wait for it to complete.
  api.runsAfter(migrate);
  worker.runsAfter(migrate);
  return { ...stores, migrate, api, worker, expireOrders };
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

/**
 * The schema migration. The Job is named `migrate-<hash of its spec>`: a release that changes the
 * image (or anything else the Job runs with) runs it again; an unchanged one leaves it alone.
 */
function buildMigrate(env: Environment, stores: OrdersStores, options: OrdersOptions): Job {
  const migrate = new Job(env, 'migrate', {
    image: options.apiImage,
    command: ['node', 'dist/migrate.js'],
    // A failed migration is read, fixed and released again, not retried blindly.
    backoffLimit: 1,
  });
  migrate.connect(stores.db);
  return migrate;
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

/** Takes the jobs that the api queues, and records the outcome in Postgres. */
function buildWorker(env: Environment, stores: OrdersStores, options: OrdersOptions): Worker {
  const worker = new Worker(env, 'worker', {
    image: options.apiImage,
    command: ['node', 'dist/worker.js'],
    config: [stores.config],
    // Exits 0 when the worker's last poll of the queue is recent.
    probe: { exec: ['node', 'dist/health.js'] },
  });
  worker.connect(stores.db);
  worker.connect(stores.queue);
  return worker;
}

/** Every night, cancels the orders that were never paid. */
function buildExpireOrders(env: Environment, stores: OrdersStores, options: OrdersOptions): CronJob {
  const expire = new CronJob(env, 'expire-orders', {
    image: options.apiImage,
    command: ['node', 'dist/expire-orders.js'],
    schedule: '0 3 * * *',
    timeZone: 'Etc/UTC',
  });
  expire.connect(stores.db);
  return expire;
}
