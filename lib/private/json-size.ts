/** The size of a value as JSON, bounded without serializing it (the `well-formed` rule's size check). */

/** More than the longest `String(n)` of a finite number (25: `-0.0000012345678901234567`). */
const NUMBER_BYTES = 32;

/**
 * An upper bound of `Buffer.byteLength(JSON.stringify(value))` computed from the structure alone
 * (a string of n UTF-16 units takes at most 6n + 2 bytes as JSON: `\uXXXX` per unit), or
 * `Infinity` once it exceeds `budget`, or where the value is not plain JSON data (a `toJSON`
 * method, a class instance, a bigint, 64 levels deep): the caller then measures exactly.
 */
export function jsonBytesBound(value: unknown, budget: number): number {
  let total = 0;
  const visit = (v: unknown, depth: number): boolean => {
    switch (typeof v) {
      case 'string':
        total += 6 * v.length + 2;
        break;
      case 'number':
        total += NUMBER_BYTES;
        break;
      case 'boolean':
      case 'undefined':
      case 'function':
      case 'symbol':
        // `false`, or `null` in an array; an object leaves the property out.
        total += 5;
        break;
      case 'object': {
        if (v === null) {
          total += 4;
          break;
        }
        if (depth > 64 || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
        total += 2;
        if (Array.isArray(v)) {
          for (const x of v) {
            total += 1;
            if (!visit(x, depth + 1) || total > budget) return false;
          }
          break;
        }
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return false;
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          total += 6 * k.length + 4;
          if (!visit(o[k], depth + 1) || total > budget) return false;
        }
        break;
      }
      default:
        return false;
    }
    return total <= budget;
  };
  return visit(value, 0) ? total : Infinity;
}
