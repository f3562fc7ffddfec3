// The well-formed rule's size check settles most objects with an upper bound of their JSON size
// (lib/policy/rules/well-formed.ts, lib/private/json-size.ts) and measures exactly only above it: the bound must never be
// below the exact size, or the gate would pass an object that kubectl apply cannot record.
import * as fc from 'fast-check';
import { jsonBytesBound } from '../../lib/private/json-size';
import { propertySeed } from '../support/seed';

const SEED = propertySeed('SIZE_BOUND_SEED');

function exactBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '');
}

describe('JSON size bound', () => {
  test('is never below the exact size of a JSON value, unicode, escapes and lone surrogates included', () => {
    // GIVEN any JSON value, with strings of any UTF-16 units and numbers of any magnitude
    const value = fc
      .jsonValue({ maxDepth: 4 })
      .chain((v) =>
        fc.tuple(
          fc.constant(v),
          fc.string({ unit: 'binary', maxLength: 30 }),
          fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
          fc.double(),
        ),
      );
    fc.assert(
      fc.property(value, ([v, a, b, d]) => {
        const o = { v, a, b, d, list: [a, b, d, undefined, null] };
        // WHEN bounded with an unlimited budget / THEN the bound is at least the exact size
        expect(jsonBytesBound(o, Number.MAX_SAFE_INTEGER)).toBeGreaterThanOrEqual(exactBytes(o));
      }),
      { numRuns: 3000, seed: SEED },
    );
  });

  test('gives Infinity over the budget and for what it does not measure, so the caller measures exactly', () => {
    // GIVEN values over a small budget, with toJSON, class instances, bigints and cycles
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // WHEN / THEN
    expect(jsonBytesBound({ s: 'x'.repeat(100) }, 100)).toBe(Infinity);
    expect(jsonBytesBound({ d: new Date(0) }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ m: new Map() }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ b: BigInt(1) }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound(cyclic, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ toJSON: () => 'x'.repeat(1000) }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ list: Object.assign([1], { toJSON: () => 'x'.repeat(1000) }) }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ s: Object('boxed') }, 1e9)).toBe(Infinity);
    expect(jsonBytesBound({ a: 'x' }, 1e9)).toBeLessThan(100);
  });
});
