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
  // Without a toJSON on the prototypes, only an own `toJSON` key changes how JSON.stringify writes a plain object or array.
  const plainPrototypes = !('toJSON' in Object.prototype) && !('toJSON' in Array.prototype);
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
        if (depth > 64) return false;
        total += 2;
        const proto = Object.getPrototypeOf(v);
        if (proto === Array.prototype && plainPrototypes && Array.isArray(v) && !Object.prototype.hasOwnProperty.call(v, 'toJSON')) {
          for (let i = 0; i < v.length; i++) {
            total += 1;
            if (!visit(v[i], depth + 1) || total > budget) return false;
          }
          break;
        }
        // Anything else JSON.stringify may treat otherwise (toJSON, boxed primitives, arrays of a subclass): measured exactly.
        if ((proto !== Object.prototype && proto !== null) || !plainPrototypes) return false;
        const o = v as Record<string, unknown>;
        for (const k of Object.keys(o)) {
          if (k === 'toJSON') return false;
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
