// The reference app's database maintenance (apps/web/src/maintenance.js), run by the `migrate`
// Job and the `prune-visits` CronJob, driven with a recording fake client.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MIGRATIONS, migrate, prune } = require('../apps/web/src/maintenance.js');

function recorder(rowCount = 0) {
  const calls: [string, unknown[] | undefined][] = [];
  return { calls, db: { query: async (sql: string, params?: unknown[]) => (calls.push([sql, params]), { rowCount }) } };
}

describe('reference app maintenance', () => {
  test('migrate applies every idempotent statement in order', async () => {
    const { calls, db } = recorder();
    expect(await migrate(db)).toBe(MIGRATIONS.length);
    expect(calls.map(([sql]) => sql)).toStrictEqual(MIGRATIONS);
    for (const sql of MIGRATIONS) expect(sql).toMatch(/IF NOT EXISTS/);
  });

  test('prune deletes visit records older than the given days, as a bound parameter', async () => {
    const { calls, db } = recorder(7);
    expect(await prune(db, 30)).toBe(7);
    expect(calls).toStrictEqual([['DELETE FROM visits_log WHERE at < now() - make_interval(days => $1)', [30]]]);
  });

  test.each([0, -1, 1.5, NaN])('prune fails on %p days without touching the database', async (days) => {
    const { calls, db } = recorder();
    await expect(prune(db, days)).rejects.toThrow(`prune: <days> must be a whole number of days >= 1, got ${JSON.stringify(days)}`);
    expect(calls).toStrictEqual([]);
  });
});
