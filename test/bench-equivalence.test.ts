// The benchmark compares like with like: "ours" and "before" (bench/units.ts), "baseline"
// (bench/baseline.ts, hand-written cdk8s) and "floor" (bench/floor.ts, JSON only) must describe the
// same objects, and the three YAML variants must write the same bytes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildBaseline } from '../bench/baseline';
import { floorStringify } from '../bench/floor';
import { objectCount } from '../bench/unit-spec';
import { buildOurs, gateObjects, objectsOurs, writeOurs, yamlOf } from '../bench/units';

function writtenByOurs(n: number): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-equivalence-'));
  try {
    return fs.readFileSync(writeOurs(buildOurs(n), outdir), 'utf8');
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

type K8sObject = { kind: string; metadata: { name: string; namespace?: string } };

function identity(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

function byIdentity(objects: unknown[]): Map<string, unknown> {
  return new Map((objects as K8sObject[]).map((o) => [identity(o), o]));
}

const N = 3;

describe('benchmark equivalence', () => {
  test('ours and the hand-written baseline produce the same objects, deep-equal, in the same YAML', () => {
    // GIVEN three units built with our constructs and by hand
    const ours = buildOurs(N);
    const baseline = buildBaseline(N);

    // WHEN both are synthesized
    const oursObjects = objectsOurs(ours);
    const baselineObjects = baseline.charts.flatMap((c) => c.toJson());

    // THEN they hold the same objects: same identities, each one deep-equal
    expect(oursObjects).toHaveLength(objectCount(N));
    const o = byIdentity(oursObjects);
    const b = byIdentity(baselineObjects);
    expect(o.size).toBe(objectCount(N));
    expect([...b.keys()].sort()).toStrictEqual([...o.keys()].sort());
    for (const [id, obj] of o) expect([id, b.get(id)]).toStrictEqual([id, obj]);
    // AND the YAML is the same byte for byte, order included, whichever way ours is written
    expect(baseline.synthYaml()).toBe(writtenByOurs(N));
    expect(baseline.synthYaml()).toBe(yamlOf(oursObjects));
  });

  test('every unit has its web app with Ingress, HPA and PDB, Redis, Postgres and config, with unique names', () => {
    // GIVEN / WHEN
    const kinds = (objectsOurs(buildOurs(2)) as K8sObject[]).map((x) => `${x.kind}/${x.metadata.name}`);
    // THEN
    for (const s of ['0000', '0001']) {
      expect(kinds).toEqual(
        expect.arrayContaining([
          `Deployment/web-${s}`,
          `Service/web-${s}`,
          `Ingress/web-${s}`,
          `HorizontalPodAutoscaler/web-${s}`,
          `PodDisruptionBudget/web-${s}`,
          `Deployment/redis-${s}`,
          `StatefulSet/postgres-${s}`,
          `ConfigMap/config-${s}`,
          `ConfigMap/config-${s}-files`,
        ]),
      );
    }
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  test('the policy gate passes the benchmark units, and the variant before issue 14 writes the same YAML as npm run synth now', () => {
    // GIVEN
    const ours = buildOurs(N);
    // WHEN the gate runs over the objects of the single pass, as variant `before` runs it
    const docs = objectsOurs(ours);
    gateObjects(ours, docs);
    // THEN no violation was thrown, and cdk8s's Yaml.stringify writes what writeEnvironments writes
    expect(yamlOf(docs)).toBe(writtenByOurs(N));
  });

  test('the floor writes the same objects as JSON documents', () => {
    // GIVEN the final objects of three units
    const docs = objectsOurs(buildOurs(N));
    // WHEN / THEN each document is the JSON of one object, in order
    const parsed = floorStringify(docs)
      .split('\n---\n')
      .map((d) => JSON.parse(d) as unknown);
    expect(parsed).toStrictEqual(docs);
  });
});
