'use strict';
// The reference web app's request handling, free of I/O so that tests can drive it with fakes.
// src/server.js wires it to real Postgres and Redis clients.
const fs = require('fs');
const path = require('path');

/** Reads `key=value` lines from <configDir>/app.properties; a missing file yields {}. */
function readProperties(configDir) {
  let text;
  try {
    text = fs.readFileSync(path.join(configDir, 'app.properties'), 'utf8');
  } catch {
    return {};
  }
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([^#=\s][^=]*?)\s*=\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * @param {{ db: { query(sql: string): Promise<unknown> }, cache: { ping(): Promise<unknown>, incr(key: string): Promise<number> }, properties: Record<string,string>, env: string }} deps
 */
function createHandler(deps) {
  let shuttingDown = false;
  const visitsKey = deps.properties['visits.key'] || 'visits';
  const greeting = deps.properties.greeting || 'Hello';

  // Readiness follows Postgres only. Redis holds a cache (the visit counter) and runs as one
  // replica: if readiness followed it, one Redis restart would take every web pod out of the
  // Service at once. Without Redis the app still serves and says it is degraded.
  async function ready() {
    if (shuttingDown) return { ok: false, reason: 'shutting down' };
    const [db, cache] = await Promise.allSettled([deps.db.query('SELECT 1'), deps.cache.ping()]);
    if (db.status === 'rejected') return { ok: false, reason: `postgres: ${message(db.reason)}` };
    return cache.status === 'rejected' ? { ok: true, degraded: [`redis: ${message(cache.reason)}`] } : { ok: true };
  }

  async function handle(method, url) {
    const pathname = url.split('?')[0];
    if (method !== 'GET') return { status: 405, body: { error: 'method not allowed' } };
    switch (pathname) {
      case '/health': // the process is up (startup probe)
      case '/healthz': // the process is not wedged (liveness probe); never checks dependencies
        return { status: 200, body: { status: 'ok' } };
      case '/ready': {
        // readiness: take traffic when Postgres answers; a Redis outage only degrades
        const r = await ready();
        if (!r.ok) return { status: 503, body: { status: 'not ready', reason: r.reason } };
        return { status: 200, body: r.degraded ? { status: 'ready', degraded: r.degraded } : { status: 'ready' } };
      }
      case '/': {
        let visits = null;
        let degraded;
        try {
          visits = await deps.cache.incr(visitsKey);
        } catch (err) {
          degraded = [`redis: ${message(err)}`];
        }
        const body = { message: `${greeting}`, env: deps.env, visits };
        return { status: 200, body: degraded ? { ...body, degraded } : body };
      }
      default:
        return { status: 404, body: { error: 'not found' } };
    }
  }

  return {
    handle,
    shutdown() {
      shuttingDown = true;
    },
  };
}

function message(err) {
  return err && err.message ? err.message : String(err);
}

module.exports = { createHandler, readProperties };
