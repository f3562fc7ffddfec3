/** lib/private/memo.ts: the cache of pure string functions that validation and the gate share. */
import { memoize } from '../lib/private/memo';

describe('memoize', () => {
  test('calls the function once per distinct input, undefined and false answers included', () => {
    // GIVEN a counting function
    const calls: string[] = [];
    const f = memoize((s: string) => {
      calls.push(s);
      return s === 'u' ? undefined : s === 'f' ? false : s.length;
    });
    // WHEN it is asked repeatedly
    const answers = ['ab', 'u', 'f', 'ab', 'u', 'f', 'abc'].map(f);
    // THEN each input was computed once, and the answers are the function's
    expect(answers).toEqual([2, undefined, false, 2, undefined, false, 3]);
    expect(calls).toEqual(['ab', 'u', 'f', 'abc']);
  });

  test('is bounded: it forgets everything once it holds max answers', () => {
    // GIVEN a cache of at most 2
    let n = 0;
    const f = memoize((s: string) => `${s}${++n}`, 2);
    // WHEN a third distinct input arrives
    expect([f('a'), f('b'), f('a')]).toEqual(['a1', 'b2', 'a1']);
    f('c');
    // THEN the earlier answers are computed again
    expect(f('a')).toBe('a4');
  });

  test('freezes object answers, and caches no answer for an input that throws', () => {
    // GIVEN a function that returns an object, and throws on one input
    let calls = 0;
    const f = memoize((s: string) => {
      calls++;
      if (s === 'bad') throw new Error('bad input');
      return { s };
    });
    // THEN a shared answer cannot be changed by one caller for the others
    expect(Object.isFrozen(f('x'))).toBe(true);
    expect(f('x')).toBe(f('x'));
    // AND the error repeats, computed each time
    expect(() => f('bad')).toThrow('bad input');
    expect(() => f('bad')).toThrow('bad input');
    expect(calls).toBe(3);
  });
});
