/**
 * The order in which cdk8s writes a chart's objects, computed in linear time.
 *
 * cdk8s 2.70 orders a chart with `new DependencyGraph(chart.node).topology()`: a vertex per
 * construct of the chart (keyed by path), an edge per construct dependency inside it (each added
 * after a depth-first search for a cycle), and a depth-first walk from the vertices nobody depends
 * on that visits a shared dependency again every time it is reached. Before that, its
 * `resolveDependencies` turns construct dependencies into ApiObject dependencies, with a
 * `findAll()` per dependency. Profiled at 1,000 benchmark units both were a tenth of synthesis.
 *
 * {@link orderedChartObjects} gives the same order: the same vertices in the same order, the same
 * edges in the same order (a vertex's dependencies are a set in insertion order), and the same
 * post-order walk, which skips a vertex already walked (walking it again adds nothing: its
 * dependencies are all placed). A graph with a cycle is left to cdk8s's `DependencyGraph`, which
 * reports it (or does whatever it does) itself. {@link resolveObjectDependencies} adds the same
 * dependencies in the same order as cdk8s's `resolveDependencies`, with each construct's chart and
 * objects looked up once. test/object-order.test.ts compares both with cdk8s's own.
 */
import { ApiObject, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';

/** A construct tree in preorder (the order of `findAll()`), with the end of each construct's subtree. */
interface Tree {
  readonly list: readonly IConstruct[];
  /** `list.slice(i, end[i])` is `list[i].node.findAll()`. */
  readonly end: readonly number[];
  readonly position: ReadonlyMap<IConstruct, number>;
  /** The chart of each construct, as `Chart.of` finds it. */
  readonly charts: ReadonlyMap<IConstruct, Chart>;
}

function preorder(root: IConstruct): Tree {
  const list: IConstruct[] = [];
  const end: number[] = [];
  const charts = new Map<IConstruct, Chart>();
  const visit = (c: IConstruct, chart: Chart | undefined): void => {
    const i = list.length;
    list.push(c);
    end.push(0);
    const own = Chart.isChart(c) ? c : chart;
    if (own) charts.set(c, own);
    for (const child of c.node.children) visit(child, own);
    end[i] = list.length;
  };
  visit(root, undefined);
  return { list, end, position: new Map(list.map((c, i) => [c, i])), charts };
}

/** `c.node.findAll()`, from the tree when `c` is in it. */
function subtree(tree: Tree, c: IConstruct): readonly IConstruct[] {
  const i = tree.position.get(c);
  return i === undefined ? c.node.findAll() : tree.list.slice(i, tree.end[i]);
}

/**
 * What `writeEnvironments` and the gate read: the dependencies resolved as cdk8s resolves them
 * (over the whole app), then the ApiObjects of `top` and of every chart nested in it, a chart
 * before the charts nested in it, each chart's in the order cdk8s writes them. One walk of the tree.
 */
export function orderedObjects(top: Chart): ApiObject[] {
  const tree = preorder(top.node.root);
  resolveDependencies(tree);
  return subtree(tree, top)
    .filter((c): c is Chart => Chart.isChart(c))
    .flatMap((chart) => chartObjects(tree, chart));
}

/**
 * What cdk8s 2.70 does before it synthesizes a chart (`resolveDependencies` in cdk8s/lib/app.js,
 * which is not exported): a chart depends on the charts nested in it, a chart on the chart of every
 * construct one of its constructs depends on, and every ApiObject below a construct on every
 * ApiObject below the constructs it depends on. Adding a dependency twice is a no-op.
 */
export function resolveObjectDependencies(root: IConstruct): void {
  resolveDependencies(preorder(root));
}

function resolveDependencies(tree: Tree): void {
  const all = tree.list;
  for (const parent of all) {
    if (!Chart.isChart(parent)) continue;
    for (const child of parent.node.children) if (Chart.isChart(child)) parent.node.addDependency(child);
  }
  const chartOf = (c: IConstruct): Chart => tree.charts.get(c) ?? Chart.of(c);
  const dependencies = () => {
    const deps: { source: IConstruct; target: IConstruct }[] = [];
    for (const source of all) for (const target of source.node.dependencies) deps.push({ source, target });
    return deps;
  };
  for (const { source, target } of dependencies()) {
    const sourceChart = chartOf(source);
    const targetChart = chartOf(target);
    if (sourceChart !== targetChart) sourceChart.node.addDependency(targetChart);
  }
  // The ApiObjects below a construct that belong to its chart; the tree does not change meanwhile.
  const objects = new Map<IConstruct, IConstruct[]>();
  const objectsOf = (c: IConstruct): IConstruct[] => {
    let found = objects.get(c);
    if (!found) {
      const chart = chartOf(c);
      found = subtree(tree, c).filter((x) => ApiObject.isApiObject(x) && chartOf(x) === chart);
      objects.set(c, found);
    }
    return found;
  };
  for (const { source, target } of dependencies()) {
    const targets = objectsOf(target);
    for (const s of objectsOf(source)) for (const t of targets) if (s !== t) s.node.addDependency(t);
  }
}

interface Vertex {
  readonly construct: IConstruct;
  /** Dependencies, in the order first added. */
  readonly out: Vertex[];
  readonly outSet: Set<Vertex>;
  inbound: number;
}

/**
 * The ApiObjects of `chart` (not of the charts nested in it) in the order of
 * `new DependencyGraph(chart.node).topology()`.
 */
export function orderedChartObjects(chart: Chart): ApiObject[] {
  return chartObjects(preorder(chart), chart);
}

function chartObjects(tree: Tree, chart: Chart): ApiObject[] {
  const all = subtree(tree, chart);
  const isOwn = (c: IConstruct): c is ApiObject => ApiObject.isApiObject(c) && (tree.charts.get(c) ?? Chart.of(c)) === chart;
  const order = topology(all);
  if (order === undefined) return new DependencyGraph(chart.node).topology().filter(isOwn);
  return order.filter(isOwn);
}

/**
 * The constructs of `all` (a chart's `findAll()`) in cdk8s's topological order, or undefined when
 * the dependencies have a cycle.
 *
 * cdk8s keys its vertices by path in a plain object and takes the roots in `Object.values()`
 * order: that is `all`'s order, since the only path in a chart's subtree that can be an integer
 * key (which objects enumerate first) is the chart's own, and it comes first. A dependency is
 * looked up by construct, and by path only when it is not in the subtree (cdk8s would take a
 * construct of another tree with the same path for the one here).
 */
function topology(all: readonly IConstruct[]): IConstruct[] | undefined {
  const vertices = new Map<IConstruct, Vertex>();
  for (const c of all) vertices.set(c, { construct: c, out: [], outSet: new Set(), inbound: 0 });
  let byPath: Map<string, Vertex> | undefined;
  const lookup = (dep: IConstruct): Vertex | undefined => {
    const v = vertices.get(dep);
    if (v) return v;
    byPath ??= new Map([...vertices.values()].map((x) => [x.construct.node.path, x]));
    return byPath.get(dep.node.path);
  };
  for (const c of all) {
    const source = vertices.get(c)!;
    for (const dep of c.node.dependencies) {
      const target = lookup(dep);
      if (!target) continue; // outside the chart: cdk8s leaves it out
      if (source.outSet.has(target)) continue;
      source.outSet.add(target);
      source.out.push(target);
      target.inbound++;
    }
  }
  // Post-order walk; 1 = on the current path (a cycle if reached again), 2 = placed.
  const state = new Map<Vertex, 1 | 2>();
  const order: IConstruct[] = [];
  let cyclic = false;
  const visit = (v: Vertex): void => {
    state.set(v, 1);
    for (const c of v.out) {
      const s = state.get(c);
      if (s === 1) cyclic = true;
      else if (s === undefined) visit(c);
      if (cyclic) return;
    }
    state.set(v, 2);
    order.push(v.construct);
  };
  for (const v of vertices.values()) {
    if (v.inbound !== 0) continue;
    if (state.get(v) === undefined) visit(v);
    if (cyclic) return undefined;
  }
  // A cycle that no root reaches leaves vertices unplaced; cdk8s would have refused its last edge.
  if (state.size !== vertices.size) return undefined;
  return order;
}
