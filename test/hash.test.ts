import { contentHash } from '../lib/private/hash';

describe('contentHash', () => {
  test('is 16 hex characters and stable across calls', () => {
    // GIVEN
    const value = { settings: { A: '1' }, files: {}, secrets: {} };

    // WHEN
    const first = contentHash(value);
    const second = contentHash(JSON.parse(JSON.stringify(value)));

    // THEN
    expect(first).toMatch(/^[0-9a-f]{16}$/);
    expect(second).toBe(first);
  });

  test('does not depend on the order of object keys', () => {
    expect(contentHash({ a: 1, b: { c: 2, d: 3 } })).toBe(contentHash({ b: { d: 3, c: 2 }, a: 1 }));
  });

  test('changes with any value, key or array order', () => {
    // GIVEN
    const base = contentHash({ settings: { A: '1' }, files: { f: 'x' } });

    // WHEN / THEN
    expect(contentHash({ settings: { A: '2' }, files: { f: 'x' } })).not.toBe(base);
    expect(contentHash({ settings: { B: '1' }, files: { f: 'x' } })).not.toBe(base);
    expect(contentHash({ settings: { A: '1' }, files: { f: 'y' } })).not.toBe(base);
    expect(contentHash({ settings: {}, files: { f: 'x', A: '1' } })).not.toBe(base);
    expect(contentHash(['a', 'b'])).not.toBe(contentHash(['b', 'a']));
  });

  test('keeps values that look alike apart', () => {
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: 1 }));
    expect(contentHash({ a: 'x,"b":"y' })).not.toBe(contentHash({ a: 'x', b: 'y' }));
    expect(contentHash({ a: undefined })).toBe(contentHash({ a: null }));
  });
});
