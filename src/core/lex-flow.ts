// Minimum-cost transportation over lexicographic integer costs: classes of interchangeable rows send units to
// groups of interchangeable columns, each group up to its capacity.
//
// The network is source -> class (its row count) -> group (the edges) -> sink (the group's capacity). It is solved
// by the primal-dual method: a Dijkstra over reduced costs moves the node potentials, then a blocking flow (Dinic)
// saturates every path of zero reduced cost, and again until every row has been sent. Costs are vectors of
// COST_SIZE integers compared lexicographically, as in assignment.ts: integer sums are exact below 2^53, so ties
// are exact. The potentials are kept, because they are what tells one optimal flow from every other (see
// grouped-assignment.ts, which picks the canonical one).
import { COST_SIZE } from './lex-cost.js';
import { VectorHeap } from './vector-heap.js';

const K = COST_SIZE;

export interface Transport {
  /** Rows per class. */
  readonly supply: Int32Array;
  /** Columns per group. */
  readonly capacity: Int32Array;
  /** The edges of class c are edgeStart[c] .. edgeStart[c + 1] - 1. */
  readonly edgeStart: Int32Array;
  readonly edgeGroup: Int32Array;
  /** K numbers per edge. */
  readonly edgeCost: Float64Array;
}

export interface TransportFlow {
  /** Units on each class-to-group edge, indexed like Transport.edgeGroup. */
  readonly flow: Int32Array;
  /** Units in each group. */
  readonly used: Int32Array;
  /** Potentials (K numbers per node): classes are nodes 1..m, groups m+1..m+g, the sink m+g+1. */
  readonly potential: Float64Array;
}

/** Node numbering shared with grouped-assignment.ts. */
export const classNode = (c: number): number => 1 + c;
export const groupNode = (classes: number, g: number): number => 1 + classes + g;
export const sinkNode = (classes: number, groups: number): number => 1 + classes + groups;

/** Sends every row (the groups must be able to take them all) at the least total cost. */
export function solveTransport(t: Transport): TransportFlow {
  const m = t.supply.length;
  const g = t.capacity.length;
  const n = m + g + 2;
  const sink = sinkNode(m, g);
  const edges = t.edgeGroup.length;
  // Arcs in pairs (a, a ^ 1): source->class, class->group, group->sink.
  const arcs = 2 * (m + edges + g);
  const to = new Int32Array(arcs);
  const residual = new Int32Array(arcs);
  const cost = new Float64Array(arcs * K);
  const tail = new Int32Array(arcs);
  let a = 0;
  const arc = (from: number, head: number, cap: number, c: Float64Array | null, off: number): number => {
    const first = a;
    to[a] = head;
    tail[a] = from;
    residual[a] = cap;
    to[a + 1] = from;
    tail[a + 1] = head;
    if (c !== null) {
      for (let k = 0; k < K; k++) {
        cost[a * K + k] = c[off + k]!;
        cost[(a + 1) * K + k] = -c[off + k]!;
      }
    }
    a += 2;
    return first;
  };
  let total = 0;
  for (let c = 0; c < m; c++) {
    arc(0, classNode(c), t.supply[c]!, null, 0);
    total += t.supply[c]!;
  }
  const cheapest = new Float64Array(K);
  const edgeArc = new Int32Array(edges);
  for (let c = 0; c < m; c++) {
    for (let e = t.edgeStart[c]!; e < t.edgeStart[c + 1]!; e++)
      edgeArc[e] = arc(classNode(c), groupNode(m, t.edgeGroup[e]!), t.supply[c]!, t.edgeCost, e * K);
  }
  const groupArc = new Int32Array(g);
  for (let j = 0; j < g; j++) groupArc[j] = arc(groupNode(m, j), sink, t.capacity[j]!, null, 0);

  // Adjacency in CSR form.
  const start = new Int32Array(n + 1);
  for (let i = 0; i < arcs; i++) start[tail[i]! + 1]!++;
  for (let v = 0; v < n; v++) start[v + 1]! += start[v]!;
  const adjacent = new Int32Array(arcs);
  const fill = start.slice(0, n);
  for (let i = 0; i < arcs; i++) adjacent[fill[tail[i]!]!++] = i;

  // Initial potentials make every arc's reduced cost >= 0, negative costs included, and each class's cheapest
  // edges tight (the row reduction of Jonker-Volgenant): a class sits below 0 by its cheapest edge, groups and the
  // sink at 0. The source's arcs never count for cost: the source only hands each class its rows.
  const pi = new Float64Array(n * K);
  for (let c = 0; c < m; c++) {
    const v = classNode(c) * K;
    for (let e = t.edgeStart[c]!; e < t.edgeStart[c + 1]!; e++) {
      if (e === t.edgeStart[c]! || lexLess(t.edgeCost, e * K, cheapest, 0)) copy(cheapest, 0, t.edgeCost, e * K);
    }
    for (let k = 0; k < K; k++) pi[v + k] = -cheapest[k]!;
  }

  const reduced = (arcIndex: number, out: Float64Array): void => {
    const u = tail[arcIndex]! * K;
    const v = to[arcIndex]! * K;
    for (let k = 0; k < K; k++) out[k] = cost[arcIndex * K + k]! + pi[u + k]! - pi[v + k]!;
  };
  const admissible = (arcIndex: number): boolean => {
    if (residual[arcIndex]! <= 0 || to[arcIndex] === 0) return false;
    if (tail[arcIndex] === 0) return true;
    const u = tail[arcIndex]! * K;
    const v = to[arcIndex]! * K;
    for (let k = 0; k < K; k++) if (cost[arcIndex * K + k]! + pi[u + k]! - pi[v + k]! !== 0) return false;
    return true;
  };

  const dist = new Float64Array(n * K);
  const state = new Uint8Array(n); // 0 unreached, 1 in the heap, 2 final
  const heap = new VectorHeap(n, dist);
  const rc = new Float64Array(K);
  const level = new Int32Array(n);
  const current = new Int32Array(n);
  const queue = new Int32Array(n);
  const pathArc = new Int32Array(n);

  // Most rows go straight to a cheapest group with room: tight arcs all the way, so the potentials still hold.
  let sent = 0;
  for (let c = 0; c < m; c++) {
    const u = classNode(c);
    const fromSource = 2 * c; // the source arcs come first
    for (let i = start[u]!; i < start[u + 1]! && residual[fromSource]! > 0; i++) {
      const ai = adjacent[i]!;
      const v = to[ai]!;
      if (v === 0 || !admissible(ai)) continue;
      const out = groupArc[v - 1 - m]!;
      if (!admissible(out)) continue;
      const push = Math.min(residual[fromSource]!, residual[out]!);
      for (const x of [fromSource, ai, out]) {
        residual[x]! -= push;
        residual[x ^ 1]! += push;
      }
      sent += push;
    }
  }
  while (sent < total) {
    // Dijkstra over reduced costs, stopped when the sink is final: every node beyond it moves by the sink's distance.
    state.fill(0);
    heap.clear();
    dist.fill(0, 0, K);
    state[0] = 1;
    heap.push(0);
    for (;;) {
      const u = heap.pop();
      if (u < 0) throw new Error('transport: the groups cannot take every row');
      state[u] = 2;
      if (u === sink) break;
      for (let i = start[u]!; i < start[u + 1]!; i++) {
        const ai = adjacent[i]!;
        const v = to[ai]!;
        if (residual[ai]! <= 0 || v === 0 || state[v] === 2) continue;
        if (u === 0) rc.fill(0);
        else reduced(ai, rc);
        for (let k = 0; k < K; k++) rc[k] = rc[k]! + dist[u * K + k]!;
        if (state[v] === 0 || lexLess(rc, 0, dist, v * K)) {
          copy(dist, v * K, rc, 0);
          if (state[v] === 0) {
            state[v] = 1;
            heap.push(v);
          } else heap.decreased(v);
        }
      }
    }
    for (let v = 0; v < n; v++) {
      const from = state[v] === 2 ? v : sink;
      for (let k = 0; k < K; k++) pi[v * K + k] = pi[v * K + k]! + dist[from * K + k]!;
    }

    // Blocking flows over the arcs of zero reduced cost, until the sink is out of their reach.
    for (;;) {
      level.fill(-1);
      level[0] = 0;
      let head = 0;
      let size = 0;
      queue[size++] = 0;
      while (head < size) {
        const u = queue[head++]!;
        for (let i = start[u]!; i < start[u + 1]!; i++) {
          const ai = adjacent[i]!;
          const v = to[ai]!;
          if (level[v]! < 0 && admissible(ai)) {
            level[v] = level[u]! + 1;
            queue[size++] = v;
          }
        }
      }
      if (level[sink]! < 0) break;
      current.set(start.subarray(0, n));
      // Iterative depth-first search along rising levels, with current arcs so no arc is tried twice.
      let depth = 0;
      let u = 0;
      while (true) {
        if (u === sink) {
          let push = Infinity;
          for (let d = 0; d < depth; d++) push = Math.min(push, residual[pathArc[d]!]!);
          for (let d = 0; d < depth; d++) {
            residual[pathArc[d]!]! -= push;
            residual[pathArc[d]! ^ 1]! += push;
          }
          sent += push;
          depth = 0;
          u = 0;
          continue;
        }
        let advanced = false;
        for (; current[u]! < start[u + 1]!; current[u]!++) {
          const ai = adjacent[current[u]!]!;
          const v = to[ai]!;
          if (level[v] === level[u]! + 1 && admissible(ai)) {
            pathArc[depth++] = ai;
            u = v;
            advanced = true;
            break;
          }
        }
        if (advanced) continue;
        if (u === 0) break;
        // Dead end: retreat and never come back through it in this phase.
        level[u] = -1;
        depth--;
        u = tail[pathArc[depth]!]!;
        current[u]!++;
      }
    }
  }

  const flow = new Int32Array(edges);
  for (let e = 0; e < edges; e++) flow[e] = residual[edgeArc[e]! ^ 1]!;
  const used = new Int32Array(g);
  for (let j = 0; j < g; j++) used[j] = residual[groupArc[j]! ^ 1]!;
  return { flow, used, potential: pi };
}

export function lexLess(a: Float64Array, ao: number, b: Float64Array, bo: number): boolean {
  for (let k = 0; k < K; k++) {
    const x = a[ao + k]!;
    const y = b[bo + k]!;
    if (x !== y) return x < y;
  }
  return false;
}

function copy(target: Float64Array, to: number, source: Float64Array, from: number): void {
  for (let k = 0; k < K; k++) target[to + k] = source[from + k]!;
}
