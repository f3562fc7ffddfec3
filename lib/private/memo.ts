/**
 * A pure function of one string, with its answers cached: the names and quantities that
 * validation and the policy gate look at repeat across every unit of an app (`DATABASE_URL`,
 * `256Mi`), and splitting or parsing each once is what makes those checks cheap at scale.
 * The cache is bounded: it is emptied when it holds `max` answers, so that a stream of distinct
 * inputs costs memory of at most `max` entries. `f` must be pure, and its answer must not be
 * mutated by a caller (an object answer is frozen).
 */
export function memoize<T>(f: (s: string) => T, max = 4096): (s: string) => T {
  const answers = new Map<string, T>();
  return (s: string) => {
    const known = answers.get(s);
    if (known !== undefined || answers.has(s)) return known as T;
    const answer = f(s);
    if (answers.size >= max) answers.clear();
    answers.set(s, typeof answer === 'object' && answer !== null ? Object.freeze(answer) : answer);
    return answer;
  };
}
