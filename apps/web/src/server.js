'use strict';
// Entry point of the reference web app: Postgres via DATABASE_URL, Redis via REDIS_URL, both
// injected by WebApp.connect(); settings from the ConfigBundle (envFrom + /app/config files).
const http = require('http');
const { Pool } = require('pg');
const { createClient } = require('redis');
const { createHandler, readProperties } = require('./app');

const port = Number(process.env.PORT || 8080);
const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 5, connectionTimeoutMillis: 2000 });
// An idle client whose server goes away emits 'error' on the pool; without a listener the process
// would crash on every Postgres restart instead of turning unready.
db.on('error', (err) => console.error('postgres:', err.message));
// Fail commands at once while Redis is unreachable instead of queueing them until it returns, so a
// cache outage degrades requests rather than hanging them.
const redis = createClient({ url: process.env.REDIS_URL, disableOfflineQueue: true, socket: { connectTimeout: 2000 } });
redis.on('error', (err) => console.error('redis:', err.message));
redis.connect().catch((err) => console.error('redis connect:', err.message));

const app = createHandler({
  db: { query: (sql) => db.query(sql) },
  cache: { ping: () => redis.ping(), incr: (key) => redis.incr(key) },
  properties: readProperties(process.env.CONFIG_DIR || '/app/config'),
  env: process.env.APP_ENV || 'unknown',
});

const server = http.createServer(async (req, res) => {
  let result;
  try {
    result = await app.handle(req.method || 'GET', req.url || '/');
  } catch (err) {
    result = { status: 500, body: { error: err.message } };
  }
  res.writeHead(result.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result.body));
});

server.listen(port, () => console.log(`listening on ${port}`));

// Kubernetes sends SIGTERM, then waits terminationGracePeriodSeconds: stop being ready, finish
// in-flight requests, close the pools.
process.on('SIGTERM', () => {
  app.shutdown();
  server.close(async () => {
    await Promise.allSettled([db.end(), redis.quit()]);
    process.exit(0);
  });
});
