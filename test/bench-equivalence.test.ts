// The benchmark compares like with like: "ours" (bench/units.ts), "baseline" (bench/baseline.ts,
// hand-written cdk8s) and "floor" (bench/floor.ts, YAML only) must describe the same objects.
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { buildBaseline } from '../bench/baseline';
import { cdk8sYamlPath, floorStringify } from '../bench/floor';
import { objectCount } from '../bench/unit-spec';
import { buildOurs, gateObjects, gateOurs, objectsOurs, synthOurs, yamlOf } from '../bench/units';

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
    // AND the YAML is the same byte for byte, order included
    expect(baseline.synthYaml()).toBe(synthOurs(ours));
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

  test('the policy gate passes the benchmark units, and the single-pass path writes the same YAML', () => {
    // GIVEN
    const ours = buildOurs(N);
    // WHEN the gate runs as `npm run synth` runs it, and over the objects of the single pass
    gateOurs(ours);
    const docs = objectsOurs(ours);
    gateObjects(ours, docs);
    // THEN no violation was thrown, and both paths write the same YAML
    expect(yamlOf(docs)).toBe(synthOurs(ours));
  });

  test('the floor serializes with the yaml module that cdk8s loads, exactly as cdk8s does', () => {
    // GIVEN the final objects of three units
    const docs = objectsOurs(buildOurs(N));
    // THEN the floor loads the version of yaml that cdk8s depends on (and bundles)
    const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
    const cdk8sPackage = readJson(require.resolve('cdk8s/package.json')) as { dependencies: Record<string, string> };
    const floorYaml = readJson(path.join(path.dirname(cdk8sYamlPath()), '..', 'package.json')) as { name: string; version: string };
    expect(floorYaml).toMatchObject({ name: 'yaml', version: cdk8sPackage.dependencies.yaml });
    // AND its output is cdk8s's Yaml.stringify output
    expect(floorStringify(docs)).toBe(Yaml.stringify(...docs));
  });
});
