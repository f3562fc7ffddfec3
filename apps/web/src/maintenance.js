'use strict';
// Database maintenance of the reference web app, run by the `migrate` Job before the web
// Deployment rolls out and by the nightly `prune-visits` CronJob:
//
//   node src/maintenance.js migrate          create the schema (idempotent)
//   node src/maintenance.js prune <days>     delete visit records older than <days> days
//
// Postgres via DATABASE_URL, injected by Job.connect()/CronJob.connect() exactly as for the app.

/** The schema, in order; every statement is idempotent, so a re-run Job changes nothing. */
const MIGRATIONS = [
  'CREATE TABLE IF NOT EXISTS visits_log (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL DEFAULT now())',
  'CREATE INDEX IF NOT EXISTS visits_log_at ON visits_log (at)',
];

/** Runs the migrations on `db` (anything with `query(sql, params?)`). */
async function migrate(db) {
  for (const sql of MIGRATIONS) await db.query(sql);
  return MIGRATIONS.length;
}

/** Deletes visit records older than `days` days; returns how many. */
async function prune(db, days) {
  if (!Number.isInteger(days) || days < 1) throw new Error(`prune: <days> must be a whole number of days >= 1, got ${JSON.stringify(days)}`);
  const r = await db.query('DELETE FROM visits_log WHERE at < now() - make_interval(days => $1)', [days]);
  return r.rowCount ?? 0;
}

async function main(argv) {
  const [command, arg] = argv;
  const { Client } = require('pg');
  const db = new Client({ connectionString: process.env.DATABASE_URL, connectionTimeoutMillis: 5000 });
  await db.connect();
  try {
    if (command === 'migrate') console.log(`migrate: ${await migrate(db)} statements applied`);
    else if (command === 'prune') console.log(`prune: ${await prune(db, Number(arg))} rows deleted`);
    else throw new Error(`usage: maintenance.js migrate | prune <days>, got ${JSON.stringify(command)}`);
  } finally {
    await db.end();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err.message);
    process.exit(1);
  });
}

module.exports = { MIGRATIONS, migrate, prune };
