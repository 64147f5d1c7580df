// Optimal assignment of rows (workloads) to columns (blades) over a sparse cost graph.
//
// Successive shortest augmenting paths with potentials (the method of Jonker-Volgenant and
// of scipy's linear_sum_assignment), run as Dijkstra with an indexed heap so that sparse
// instances (a candidate only sees the blades worth moving to) cost O(E log V) per row.
// Every row also has a private fallback column ("stay" for a cascade candidate, "pending"
// for a failover), so a perfect matching of the rows always exists and each row's fallback
// is taken exactly when no assignment of real columns is cheaper for the whole.
//
// Costs are lexicographic vectors of COST_SIZE integers (unplaced, fit cost in micro-units,
// moves, blade size in milli-units): integer sums are exact below 2^53, so ties are exact
// and the tie-break rules of DESIGN section 4 hold without epsilons.

import { canonicalize } from './canonical-assignment.js';
import { COST_SIZE, type Cost } from './lex-cost.js';
import { VectorHeap, vectorLess } from './vector-heap.js';

export { COST_SIZE, type Cost } from './lex-cost.js';

const K = COST_SIZE;

export class AssignmentProblem {
  readonly columns: number;
  private readonly rowStart: number[] = [0];
  private readonly edgeColumn: number[] = [];
  private readonly edgeCost: number[] = [];
  private readonly fallback: number[] = [];

  constructor(columns: number) {
    this.columns = columns;
  }

  get rows(): number {
    return this.fallback.length / K;
  }

  /** Opens a row whose fallback (no real column) costs `fallback`; returns its index. */
  addRow(fallback: Cost): number {
    const row = this.rows;
    if (row > 0) this.rowStart.push(this.edgeColumn.length);
    this.fallback.push(...fallback);
    return row;
  }

  /** An allowed pairing of the last opened row with `column`. */
  addEdge(column: number, cost: Cost): void {
    if (column < 0 || column >= this.columns) throw new RangeError(`column ${column} out of range`);
    this.edgeColumn.push(column);
    // Four pushes, not a spread: a dense 2,000 x 2,000 instance adds 4 million edges.
    this.edgeCost.push(cost[0], cost[1], cost[2], cost[3]);
  }

  /** The column chosen for each row, or -1 where the row's fallback wins. */
  solve(): Int32Array {
    this.rowStart.push(this.edgeColumn.length);
    try {
      return solve(
        this.rows,
        this.columns,
        Int32Array.from(this.rowStart),
        Int32Array.from(this.edgeColumn),
        Float64Array.from(this.edgeCost),
        Float64Array.from(this.fallback),
      );
    } finally {
      this.rowStart.pop();
    }
  }
}

function solve(
  rows: number,
  realColumns: number,
  rowStart: Int32Array,
  edgeColumn: Int32Array,
  edgeCost: Float64Array,
  fallback: Float64Array,
): Int32Array {
  // Column realColumns + i is row i's private fallback.
  const columns = realColumns + rows;
  const u = new Float64Array(rows * K);
  const v = new Float64Array(columns * K);
  const dist = new Float64Array(columns * K);
  const colRow = new Int32Array(columns).fill(-1);
  const rowCol = new Int32Array(rows).fill(-1);
  const pred = new Int32Array(columns);
  const seen = new Int32Array(columns).fill(-1);
  const done = new Int32Array(columns).fill(-1);
  const finalized: number[] = [];
  // Dense graphs relax most columns from every row: a linear scan for the minimum beats
  // a heap's decrease-key there; sparse graphs need the heap.
  const dense = edgeColumn.length > 0.25 * rows * realColumns && realColumns > 64;
  const heap: ColumnQueue = dense ? new ColumnScan(columns, dist) : new VectorHeap(columns, dist);
  const rc = new Float64Array(K);
  const rowBase = new Float64Array(K);

  let r = 0;
  // Offers `col` a path through `row` at the row's distance plus the edge's reduced cost.
  // Most offers lose on the first component that differs, so compare as we compute.
  const relax = (row: number, col: number, cost: Float64Array, off: number): void => {
    const q = col * K;
    const fresh = seen[col] !== r;
    let better = fresh;
    for (let k = 0; k < K; k++) {
      const value = rowBase[k]! + cost[off + k]! - v[q + k]!;
      rc[k] = value;
      if (!better) {
        const current = dist[q + k]!;
        if (value > current) return;
        if (value < current) better = true;
      }
    }
    if (!better) return;
    for (let k = 0; k < K; k++) dist[q + k] = rc[k]!;
    pred[col] = row;
    if (fresh) {
      seen[col] = r;
      heap.push(col);
    } else {
      heap.decreased(col);
    }
  };

  for (r = 0; r < rows; r++) {
    // u[r] = lexicographic min over r's columns of (cost - v), so r's reduced costs are >= 0.
    let best = -2;
    for (let s = rowStart[r]!; s <= rowStart[r + 1]!; s++) {
      const slot = s === rowStart[r + 1]! ? -1 : s;
      const col = slot < 0 ? realColumns + r : edgeColumn[slot]!;
      const arr = slot < 0 ? fallback : edgeCost;
      const off = slot < 0 ? r * K : slot * K;
      for (let k = 0; k < K; k++) rc[k] = arr[off + k]! - v[col * K + k]!;
      if (best === -2 || lexLess(rc, 0, u, r * K)) {
        best = col;
        for (let k = 0; k < K; k++) u[r * K + k] = rc[k]!;
      }
    }

    // Dijkstra from r over reduced costs; rows are reached through the columns they hold.
    finalized.length = 0;
    heap.clear();
    let row = r;
    let rowDist = -1; // column whose dist is row's distance; -1 means zero (the start row)
    let sink = -1;
    for (;;) {
      for (let k = 0; k < K; k++) rowBase[k] = (rowDist < 0 ? 0 : dist[rowDist * K + k]!) - u[row * K + k]!;
      const end = rowStart[row + 1]!;
      for (let s = rowStart[row]!; s < end; s++) {
        const col = edgeColumn[s]!;
        if (done[col] !== r) relax(row, col, edgeCost, s * K);
      }
      const own = realColumns + row;
      if (done[own] !== r && colRow[own] !== row) relax(row, own, fallback, row * K);
      const col = heap.pop();
      if (col < 0) throw new Error('assignment: no augmenting path (a row without a fallback)');
      done[col] = r;
      if (colRow[col]! < 0) {
        sink = col;
        break;
      }
      finalized.push(col);
      row = colRow[col]!;
      rowDist = col;
    }

    // Potentials keep every reduced cost >= 0 and the matched edges tight (see module note).
    for (let k = 0; k < K; k++) u[r * K + k] = u[r * K + k]! + dist[sink * K + k]!;
    for (const col of finalized) {
      const held = colRow[col]!;
      for (let k = 0; k < K; k++) {
        const delta = dist[sink * K + k]! - dist[col * K + k]!;
        v[col * K + k] = v[col * K + k]! - delta;
        u[held * K + k] = u[held * K + k]! + delta;
      }
    }

    // Augment along the predecessors from the sink back to r.
    let col = sink;
    for (;;) {
      const owner = pred[col]!;
      const previous = rowCol[owner]!;
      rowCol[owner] = col;
      colRow[col] = owner;
      if (owner === r) break;
      col = previous;
    }
  }

  canonicalize({ rows, realColumns, rowStart, edgeColumn, edgeCost, fallback, u, v, rowCol, colRow });

  const result = new Int32Array(rows);
  for (let i = 0; i < rows; i++) result[i] = rowCol[i]! >= realColumns ? -1 : rowCol[i]!;
  return result;
}

function lexLess(a: Float64Array, ao: number, b: Float64Array, bo: number): boolean {
  for (let k = 0; k < K; k++) {
    const x = a[ao + k]!;
    const y = b[bo + k]!;
    if (x !== y) return x < y;
  }
  return false;
}

interface ColumnQueue {
  clear(): void;
  push(col: number): void;
  decreased(col: number): void;
  /** The column of least distance (then least index), or -1 when empty. */
  pop(): number;
}

/** An unordered list scanned for its minimum: O(n) pop, O(1) push and decrease. */
class ColumnScan implements ColumnQueue {
  private readonly items: Int32Array;
  private size = 0;

  constructor(
    capacity: number,
    private readonly dist: Float64Array,
  ) {
    this.items = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(col: number): void {
    this.items[this.size++] = col;
  }

  decreased(): void {}

  pop(): number {
    if (this.size === 0) return -1;
    const items = this.items;
    let best = 0;
    for (let i = 1; i < this.size; i++) if (vectorLess(this.dist, items[i]!, items[best]!)) best = i;
    const col = items[best]!;
    items[best] = items[--this.size]!;
    return col;
  }
}
