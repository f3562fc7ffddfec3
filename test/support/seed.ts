/**
 * The seed of a property test: its own variable (`OBJECT_JSON_SEED=<n>` replays one test), else
 * FUZZ_SEED, which .ci/run fixes so that a CI verdict never depends on the draw, else a new one.
 * A failing fast-check property prints the seed it ran with.
 */
export function propertySeed(variable: string): number {
  const raw = process.env[variable] ?? process.env.FUZZ_SEED;
  if (raw === undefined) return Date.now() % 2 ** 31;
  const seed = Number(raw);
  if (!Number.isInteger(seed))
    throw new Error(`${process.env[variable] !== undefined ? variable : 'FUZZ_SEED'} must be an integer seed, got ${JSON.stringify(raw)}`);
  return seed;
}
