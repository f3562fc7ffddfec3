// "floor": serializing the final objects with JSON.stringify, one document each (JSON is YAML
// 1.2, and kubectl reads it). No YAML writer gets below this; the gap between `ours` and the floor
// is what block-style YAML costs over it.

/** The objects as one multi-document stream of JSON documents, separated by `---` lines. */
export function floorStringify(docs: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < docs.length; i++) out += (i > 0 ? '---\n' : '') + JSON.stringify(docs[i]) + '\n';
  return out;
}
