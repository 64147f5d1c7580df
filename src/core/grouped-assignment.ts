// The assignment of AssignmentProblem (assignment.ts), solved over classes of interchangeable rows and groups of
// interchangeable columns instead of single rows and columns: same optimum, same tie-break, a far smaller graph.
//
// A data center has a few hundred blade shapes, not 10,000 different blades, and its candidates fall into a few
// hundred classes (requirements, shape of the blade they run on). Rows of one class have the same edges and the same
// fallback; columns of one group are the same for every row and differ only by index. So the optimum is a
// transportation problem (lex-flow.ts), and concrete columns are handed out afterwards in a canonical pass that
// gives each row, in row order, the lowest column any optimal assignment can give it: DESIGN section 4's last
// tie-break (blade ids in workload-id order), with a fallback ranking after every column.
import { COST_SIZE, type Cost } from './lex-cost.js';
import { classNode, groupNode, sinkNode, solveTransport, type Transport, type TransportFlow } from './lex-flow.js';

const K = COST_SIZE;

export class GroupedAssignment {
  private readonly groupMembers: (readonly number[])[] = [];
  private readonly fallbacks: number[] = [];
  private readonly edgeStart: number[] = [0];
  private readonly edgeGroup: number[] = [];
  private readonly edgeCost: number[] = [];

  /** @param columns concrete columns 0..columns-1; their order is the tie-break order. */
  constructor(readonly columns: number) {}

  /** A group of interchangeable columns, listed in ascending order; returns its index. */
  addGroup(members: readonly number[]): number {
    for (let i = 0; i < members.length; i++) {
      const col = members[i]!;
      if (col < 0 || col >= this.columns || (i > 0 && col <= members[i - 1]!))
        throw new RangeError(`group member ${col} out of range or out of order`);
    }
    this.groupMembers.push(members);
    return this.groupMembers.length - 1;
  }

  /** Opens a class of interchangeable rows whose fallback (no column) costs `fallback`; returns its index. */
  addClass(fallback: Cost): number {
    if (this.fallbacks.length > 0) this.edgeStart.push(this.edgeGroup.length);
    this.fallbacks.push(...fallback);
    return this.fallbacks.length / K - 1;
  }

  /** Any row of the last opened class may take any column of `group` at `cost`. */
  addEdge(group: number, cost: Cost): void {
    if (group < 0 || group >= this.groupMembers.length) throw new RangeError(`group ${group} out of range`);
    this.edgeGroup.push(group);
    this.edgeCost.push(...cost);
  }

  /**
   * @param rowClass the class of each row, rows in tie-break order (workload ids).
   * @returns the column chosen for each row, or -1 where the row's fallback wins.
   */
  solve(rowClass: ArrayLike<number>): Int32Array {
    const classes = this.fallbacks.length / K;
    const real = this.groupMembers.length;
    const supply = new Int32Array(classes);
    for (let r = 0; r < rowClass.length; r++) {
      const c = rowClass[r]!;
      if (c < 0 || c >= classes) throw new RangeError(`row ${r}: class ${c} out of range`);
      supply[c]!++;
    }
    // Every class gets a private group for its fallback, placed after the real groups and holding all its rows.
    const starts = [...this.edgeStart, this.edgeGroup.length];
    const edgeStart = new Int32Array(classes + 1);
    const edgeGroup: number[] = [];
    const edgeCost: number[] = [];
    for (let c = 0; c < classes; c++) {
      edgeStart[c] = edgeGroup.length;
      for (let e = starts[c]!; e < starts[c + 1]!; e++) {
        edgeGroup.push(this.edgeGroup[e]!);
        for (let k = 0; k < K; k++) edgeCost.push(this.edgeCost[e * K + k]!);
      }
      edgeGroup.push(real + c);
      for (let k = 0; k < K; k++) edgeCost.push(this.fallbacks[c * K + k]!);
    }
    edgeStart[classes] = edgeGroup.length;
    const capacity = new Int32Array(real + classes);
    this.groupMembers.forEach((members, g) => {
      capacity[g] = members.length;
    });
    supply.forEach((s, c) => {
      capacity[real + c] = s;
    });
    const transport = {
      supply,
      capacity,
      edgeStart,
      edgeGroup: Int32Array.from(edgeGroup),
      edgeCost: Float64Array.from(edgeCost),
    };
    const flow = solveTransport(transport);
    return canonicalColumns(transport, flow, this.groupMembers, rowClass);
  }
}

/**
 * The optimal flows are exactly the flows that keep complementary slackness with the potentials the solver ended
 * with: units only on edges of zero reduced cost ("tight"), a group whose sink arc has a negative reduced cost
 * full, and a group whose arc is not tight empty. Row by row, the row takes the tight group whose next free column
 * is lowest, if some optimal flow puts a unit of its class there given the rows already settled: either one is
 * there already, or a cycle of unit moves over tight edges (through the sink where a group may gain or lose one)
 * brings one there. A group found unreachable for a class stays unreachable as rows settle (the flows left can
 * only shrink, and rows of a class are interchangeable), so each (class, group) pair fails at most once.
 */
function canonicalColumns(
  p: Transport,
  solved: TransportFlow,
  members: readonly (readonly number[])[],
  rowClass: ArrayLike<number>,
): Int32Array {
  const { supply, capacity, edgeStart, edgeGroup, edgeCost } = p;
  const { flow, used, potential: pi } = solved;
  const classes = supply.length;
  const groups = capacity.length;
  const real = members.length;
  const sink = sinkNode(classes, groups) * K;

  const tight = new Uint8Array(edgeGroup.length);
  for (let c = 0; c < classes; c++) {
    for (let e = edgeStart[c]!; e < edgeStart[c + 1]!; e++) {
      const u = classNode(c) * K;
      const v = groupNode(classes, edgeGroup[e]!) * K;
      let zero = true;
      for (let k = 0; k < K && zero; k++) zero = edgeCost[e * K + k]! + pi[u + k]! - pi[v + k]! === 0;
      tight[e] = zero ? 1 : 0;
    }
  }
  // A group may gain or lose a unit only when its arc to the sink is tight.
  const flexible = new Uint8Array(groups);
  for (let g = 0; g < groups; g++) {
    const v = groupNode(classes, g) * K;
    let zero = true;
    for (let k = 0; k < K && zero; k++) zero = pi[v + k]! === pi[sink + k]!;
    flexible[g] = zero ? 1 : 0;
  }
  // The edges into each group, to find the classes holding units there.
  const inStart = new Int32Array(groups + 1);
  for (let e = 0; e < edgeGroup.length; e++) inStart[edgeGroup[e]! + 1]!++;
  for (let g = 0; g < groups; g++) inStart[g + 1]! += inStart[g]!;
  const inEdge = new Int32Array(edgeGroup.length);
  const edgeClass = new Int32Array(edgeGroup.length);
  const fill = inStart.slice(0, groups);
  for (let c = 0; c < classes; c++) {
    for (let e = edgeStart[c]!; e < edgeStart[c + 1]!; e++) {
      inEdge[fill[edgeGroup[e]!]!++] = e;
      edgeClass[e] = c;
    }
  }

  const settled = new Int32Array(groups); // columns of each group handed out, lowest first
  const closed = new Uint8Array(edgeGroup.length); // (class, group) pairs no optimal completion can use
  const nextColumn = (g: number): number =>
    g >= real ? Number.MAX_SAFE_INTEGER : settled[g]! < members[g]!.length ? members[g]![settled[g]!]! : -1;

  // Breadth-first search state: nodes are classes [0, classes), groups [classes, classes + groups), the sink.
  const nodes = classes + groups + 1;
  const sinkIndex = classes + groups;
  const seen = new Int32Array(nodes).fill(-1);
  const via = new Int32Array(nodes); // the edge (or group, for sink arcs) a node was reached by
  const back = new Int32Array(nodes); // the node it was reached from
  const queue = new Int32Array(nodes);
  let stamp = 0;
  let closing = -1; // the group the cycle takes c's unit out of

  /** Moves a unit of class `c` into group `target` by a cycle of moves over tight edges; false if none exists. */
  const reroute = (c: number, entry: number): boolean => {
    stamp++;
    const target = edgeGroup[entry]!;
    let head = 0;
    let size = 0;
    const start = classes + target;
    seen[start] = stamp;
    back[start] = -1;
    queue[size++] = start;
    let found = -1;
    const visit = (node: number, from: number, by: number): void => {
      if (seen[node] === stamp) return;
      seen[node] = stamp;
      back[node] = from;
      via[node] = by;
      queue[size++] = node;
    };
    while (head < size && found < 0) {
      const node = queue[head++]!;
      if (node === sinkIndex) {
        // The sink gives a unit back to a group that may lose one.
        for (let g = 0; g < groups; g++) if (flexible[g] && used[g]! > settled[g]!) visit(classes + g, node, g);
        continue;
      }
      if (node < classes) {
        for (let e = edgeStart[node]!; e < edgeStart[node + 1]!; e++)
          if (tight[e]) visit(classes + edgeGroup[e]!, node, e);
        continue;
      }
      const g = node - classes;
      // A unit of some class leaves g: the search ends when it is a unit of c (the cycle closes).
      for (let i = inStart[g]!; i < inStart[g + 1]!; i++) {
        const e = inEdge[i]!;
        if (flow[e]! <= 0) continue;
        const owner = edgeClass[e]!;
        if (owner === c) {
          found = e;
          closing = g;
          break;
        }
        visit(owner, node, e);
      }
      if (found < 0 && flexible[g] && used[g]! < capacity[g]!) visit(sinkIndex, node, g);
    }
    if (found < 0) {
      // Every group reached is as unreachable for c as the target: close them all.
      for (let e = edgeStart[c]!; e < edgeStart[c + 1]!; e++)
        if (seen[classes + edgeGroup[e]!] === stamp) closed[e] = 1;
      return false;
    }
    // Apply the cycle: c enters target, ..., c leaves the group of `found`.
    flow[entry]!++;
    flow[found]!--;
    let node = classes + closing;
    while (node !== start) {
      const from = back[node]!;
      const by = via[node]!;
      if (node === sinkIndex)
        used[by]!++; // the group `by` passed one unit on to the sink
      else if (from === sinkIndex) used[node - classes]!--;
      else if (node < classes)
        flow[by]!--; // a unit of class `node` left group `from`
      else flow[by]!++; // a unit of class `from` entered group `node`
      node = from;
    }
    return true;
  };

  const result = new Int32Array(rowClass.length);
  const order: number[] = [];
  for (let r = 0; r < rowClass.length; r++) {
    const c = rowClass[r]!;
    order.length = 0;
    for (let e = edgeStart[c]!; e < edgeStart[c + 1]!; e++)
      if (tight[e] && !closed[e] && nextColumn(edgeGroup[e]!) >= 0) order.push(e);
    order.sort((a, b) => nextColumn(edgeGroup[a]!) - nextColumn(edgeGroup[b]!));
    let chosen = -1;
    for (const e of order) {
      if (flow[e]! > 0 || reroute(c, e)) {
        chosen = e;
        break;
      }
    }
    if (chosen < 0) throw new Error('grouped assignment: a row with no optimal column (inconsistent potentials)');
    const g = edgeGroup[chosen]!;
    result[r] = g >= real ? -1 : members[g]![settled[g]!]!;
    flow[chosen]!--;
    settled[g]!++;
  }
  return result;
}
