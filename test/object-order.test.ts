// lib/private/object-order.ts against cdk8s: the same dependencies added, in the same order, as
// cdk8s's resolveDependencies (copied below as it was in lib/environment.ts), and the same object
// order as `new DependencyGraph(chart.node).topology()`, for the reference app, the benchmark
// units, nested charts and generated dependency graphs. OBJECT_ORDER_SEED replays a run.
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as fc from 'fast-check';
import { buildEnvironment } from '../apps/main';
import { ENVIRONMENT_NAMES } from '../apps/environments';
import { buildOurs } from '../bench/units';
import { orderedChartObjects, orderedObjects, resolveObjectDependencies } from '../lib/private/object-order';
import { propertySeed } from './support/seed';

const SEED = propertySeed('OBJECT_ORDER_SEED');

/** cdk8s 2.70's resolveDependencies, as lib/environment.ts had it before object-order.ts. */
function referenceResolve(root: IConstruct): void {
  const all = root.node.findAll();
  for (const parent of all.filter((c) => Chart.isChart(c))) {
    for (const child of parent.node.children.filter((c) => Chart.isChart(c))) parent.node.addDependency(child);
  }
  const dependencies = () => all.flatMap((source) => source.node.dependencies.map((target) => ({ source, target })));
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  for (const { source, target } of dependencies()) {
    const sourceChart = Chart.of(source);
    const targetChart = Chart.of(target);
    const objectsOf = (c: IConstruct, chart: Chart) => c.node.findAll().filter((x) => ApiObject.isApiObject(x) && Chart.of(x) === chart);
    const targets = objectsOf(target, targetChart);
    for (const s of objectsOf(source, sourceChart)) for (const t of targets) if (s !== t) s.node.addDependency(t);
  }
}

function referenceOrder(chart: Chart): string[] {
  return new DependencyGraph(chart.node)
    .topology()
    .filter((c) => ApiObject.isApiObject(c) && Chart.of(c) === chart)
    .map((c) => c.node.path);
}

/** Every construct's dependencies, by path, in order. */
function dependencyLists(root: IConstruct): string[] {
  return root.node.findAll().map((c) => `${c.node.path} -> ${c.node.dependencies.map((d) => d.node.path).join(', ')}`);
}

function charts(root: IConstruct): Chart[] {
  return root.node.findAll().filter((c): c is Chart => Chart.isChart(c));
}

/** Builds the same tree twice, resolves and orders one with each implementation, and compares dependencies and order. */
function expectSameAsCdk8s(build: () => IConstruct): void {
  const ours = build();
  const reference = build();
  // The order, or the error (a cycle that resolution created between nested charts), is cdk8s's.
  const outcome = (f: () => string[]) => {
    try {
      return f();
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  const top = (root: IConstruct) => charts(root)[0];
  const oursOrder = outcome(() => orderedObjects(top(ours)).map((c) => c.node.path));
  referenceResolve(reference);
  const referenceOrders = outcome(() => charts(top(reference)).flatMap((chart) => referenceOrder(chart)));
  expect(dependencyLists(ours)).toStrictEqual(dependencyLists(reference));
  expect(oursOrder).toStrictEqual(referenceOrders);
  // AND each chart alone
  const a = charts(ours);
  const b = charts(reference);
  expect(a.map((c) => c.node.path)).toStrictEqual(b.map((c) => c.node.path));
  a.forEach((chart, i) => expect(outcome(() => orderedChartObjects(chart).map((c) => c.node.path))).toStrictEqual(outcome(() => referenceOrder(b[i]))));
  // AND resolving alone adds the same dependencies again (a no-op)
  resolveObjectDependencies(ours);
  expect(dependencyLists(ours)).toStrictEqual(dependencyLists(reference));
}

describe('object order', () => {
  test('the reference app and the benchmark units are ordered as cdk8s orders them', () => {
    for (const name of ENVIRONMENT_NAMES) expectSameAsCdk8s(() => buildEnvironment(name).app);
    expectSameAsCdk8s(() => buildOurs(5).app);
  });

  test('generated trees of nested charts and dependencies are ordered as cdk8s orders them', () => {
    // GIVEN a tree of charts, constructs and objects, and dependencies between any two of them
    const shape = fc.record({
      nodes: fc.array(fc.record({ parent: fc.nat(), kind: fc.constantFrom('chart', 'construct', 'object', 'object') }), { minLength: 1, maxLength: 25 }),
      deps: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 30 }),
    });
    fc.assert(
      fc.property(shape, ({ nodes, deps }) => {
        const build = () => {
          const app = new App();
          const all: Construct[] = [new Chart(app, 'root', { disableResourceNameHashes: true })];
          nodes.forEach((n, i) => {
            const parent = all[n.parent % all.length];
            const id = `n${i}`;
            if (n.kind === 'chart') all.push(new Chart(parent, id, { disableResourceNameHashes: true }));
            else if (n.kind === 'construct') all.push(new Construct(parent, id));
            else all.push(new ApiObject(parent, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id } }));
          });
          // Only forward dependencies (a later node on an earlier one), so that the graph has no cycle.
          for (const [a, b] of deps) {
            const [s, t] = [a % all.length, b % all.length];
            if (s > t) all[s].node.addDependency(all[t]);
          }
          return app;
        };
        // WHEN / THEN both implementations agree
        expectSameAsCdk8s(build);
      }),
      { numRuns: 300, seed: SEED },
    );
  });

  test('a dependency cycle is left to cdk8s, which reports it', () => {
    // GIVEN two objects that depend on each other
    const chart = new Chart(new App(), 'c');
    const a = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap' });
    const b = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap' });
    a.addDependency(b);
    b.addDependency(a);
    // WHEN / THEN the error is cdk8s's own
    expect(() => orderedChartObjects(chart)).toThrow(/Dependency cycle detected/);
  });
});
