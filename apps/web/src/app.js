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

  async function ready() {
    if (shuttingDown) return { ok: false, reason: 'shutting down' };
    try {
      await Promise.all([deps.db.query('SELECT 1'), deps.cache.ping()]);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: err && err.message ? err.message : String(err) };
    }
  }

  async function handle(method, url) {
    const pathname = url.split('?')[0];
    if (method !== 'GET') return { status: 405, body: { error: 'method not allowed' } };
    switch (pathname) {
      case '/health': // the process is up (startup probe)
      case '/healthz': // the process is not wedged (liveness probe); never checks dependencies
        return { status: 200, body: { status: 'ok' } };
      case '/ready': {
        // readiness: only take traffic when Postgres and Redis answer
        const r = await ready();
        return r.ok ? { status: 200, body: { status: 'ready' } } : { status: 503, body: { status: 'not ready', reason: r.reason } };
      }
      case '/': {
        const visits = await deps.cache.incr(visitsKey);
        return { status: 200, body: { message: `${greeting}`, env: deps.env, visits } };
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

module.exports = { createHandler, readProperties };
