// The reference web app's handler, driven with fake Postgres and Redis clients.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createHandler, readProperties } = require('../apps/web/src/app.js');

function fakes(opts: { dbDown?: boolean; cacheDown?: boolean } = {}) {
  let counter = 0;
  return {
    db: {
      query: async () => {
        if (opts.dbDown) throw new Error('connect ECONNREFUSED postgres:5432');
        return { rows: [{ '?column?': 1 }] };
      },
    },
    cache: {
      ping: async () => {
        if (opts.cacheDown) throw new Error('redis down');
        return 'PONG';
      },
      incr: async () => {
        if (opts.cacheDown) throw new Error('redis down');
        return ++counter;
      },
    },
  };
}

describe('reference web app', () => {
  test('answers /health and /healthz without touching its dependencies', async () => {
    // GIVEN both dependencies down
    const app = createHandler({ ...fakes({ dbDown: true, cacheDown: true }), properties: {}, env: 'dev' });
    // THEN liveness and startup still succeed, so Kubernetes does not restart a healthy process
    expect(await app.handle('GET', '/health')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await app.handle('GET', '/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  test('is ready when Postgres answers, and only degraded when Redis does not', async () => {
    const up = createHandler({ ...fakes(), properties: {}, env: 'dev' });
    expect((await up.handle('GET', '/ready')).status).toBe(200);
    const dbDown = createHandler({ ...fakes({ dbDown: true }), properties: {}, env: 'dev' });
    expect(await dbDown.handle('GET', '/ready')).toEqual({
      status: 503,
      body: { status: 'not ready', reason: 'postgres: connect ECONNREFUSED postgres:5432' },
    });
    // Redis is one replica: following it would empty the Service on every Redis restart
    const cacheDown = createHandler({ ...fakes({ cacheDown: true }), properties: {}, env: 'dev' });
    expect(await cacheDown.handle('GET', '/ready')).toEqual({ status: 200, body: { status: 'ready', degraded: ['redis: redis down'] } });
  });

  test('serves without the visit counter while Redis is down, and says so', async () => {
    const app = createHandler({ ...fakes({ cacheDown: true }), properties: {}, env: 'dev' });
    expect(await app.handle('GET', '/')).toEqual({ status: 200, body: { message: 'Hello', env: 'dev', visits: null, degraded: ['redis: redis down'] } });
  });

  test('stops being ready once shutdown begins', async () => {
    const app = createHandler({ ...fakes(), properties: {}, env: 'dev' });
    app.shutdown();
    expect(await app.handle('GET', '/ready')).toEqual({ status: 503, body: { status: 'not ready', reason: 'shutting down' } });
  });

  test('counts visits in Redis and greets with the configured text', async () => {
    const app = createHandler({ ...fakes(), properties: { greeting: 'Hello from prod' }, env: 'prod' });
    expect(await app.handle('GET', '/')).toEqual({ status: 200, body: { message: 'Hello from prod', env: 'prod', visits: 1 } });
    expect((await app.handle('GET', '/?x=1')).body.visits).toBe(2);
  });

  test('fails unknown paths with 404 and other methods with 405', async () => {
    const app = createHandler({ ...fakes(), properties: {}, env: 'dev' });
    expect((await app.handle('GET', '/nope')).status).toBe(404);
    expect((await app.handle('POST', '/')).status).toBe(405);
  });

  test('reads app.properties from the mounted config directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    fs.writeFileSync(path.join(dir, 'app.properties'), 'greeting=Hi there\n# comment\nvisits.key = hits\n');
    expect(readProperties(dir)).toEqual({ greeting: 'Hi there', 'visits.key': 'hits' });
    expect(readProperties(path.join(dir, 'missing'))).toEqual({});
  });
});
