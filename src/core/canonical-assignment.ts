// The per-row solver's last step (assignment.ts): of all optimal assignments, the one DESIGN section 4's last
// tie-break picks (blade ids in workload-id order; a fallback ranks after every blade).
import { COST_SIZE } from './lex-cost.js';

const K = COST_SIZE;

export interface Solved {
  rows: number;
  realColumns: number;
  rowStart: Int32Array;
  edgeColumn: Int32Array;
  edgeCost: Float64Array;
  fallback: Float64Array;
  u: Float64Array;
  v: Float64Array;
  rowCol: Int32Array;
  colRow: Int32Array;
}

/** Marks a row reached from the sink: it gives up a column of zero potential, which goes free. */
const FROM_SINK = -2;

/**
 * Moves an optimal assignment to the one whose columns, read in row order, come first. The optimal assignments
 * are exactly the matchings over tight edges (reduced cost zero) that keep every column of negative potential
 * matched. Row by row, a lower tight column is taken when a cycle of moves over tight edges frees it, never
 * touching rows already settled: the row's old column ends the cycle, or, through the sink, a column of zero
 * potential may go free while another such column fills (a chain that ends in a free column, joined to a chain
 * that starts by vacating a matched one). Missing the second kind was a bug of the first version: it took a
 * lower column only when the row's own old column could go free (found against the grouped solver).
 */
export function canonicalize(s: Solved): void {
  const { rows, realColumns, rowStart, edgeColumn, edgeCost, fallback, u, v, rowCol, colRow } = s;
  const columns = colRow.length;
  const settled = new Uint8Array(rows);
  const visited = new Int32Array(rows).fill(-1);
  const via = new Int32Array(rows); // the column a reached row holds and hands over
  const from = new Int32Array(rows); // the row that takes it over, or FROM_SINK
  let stamp = 0;

  const zeroPotential = (col: number): boolean => {
    for (let k = 0; k < K; k++) if (v[col * K + k] !== 0) return false;
    return true;
  };
  const tight = (row: number, col: number, cost: Float64Array, off: number): boolean => {
    for (let k = 0; k < K; k++) if (cost[off + k]! - u[row * K + k]! - v[col * K + k]! !== 0) return false;
    return true;
  };
  // The tight columns of a row, real ones in index order then its fallback. Potentials do not change from here
  // on, so each row's list is worked out once (the search below may visit a row many times).
  const tightCache: (number[] | undefined)[] = new Array(rows);
  const tightColumns = (row: number): number[] => {
    const cached = tightCache[row];
    if (cached !== undefined) return cached;
    const out: number[] = [];
    for (let e = rowStart[row]!; e < rowStart[row + 1]!; e++)
      if (tight(row, edgeColumn[e]!, edgeCost, e * K)) out.push(edgeColumn[e]!);
    if (tight(row, realColumns + row, fallback, row * K)) out.push(realColumns + row);
    out.sort((a, b) => a - b);
    tightCache[row] = out;
    return out;
  };

  /** Gives row i the column `target` by a cycle of moves; false (nothing changed) when there is none. */
  const reroute = (i: number, target: number, old: number): boolean => {
    stamp++;
    const queue: number[] = [];
    let sinkReached = false;
    let sinkRow = -1; // the row whose move into a free column reached the sink
    let sinkCol = -1;
    let endRow = -1; // the row that moves into `old`; -1 with endViaSink when `old` goes free
    let endViaSink = false;
    const reach = (row: number, col: number, by: number): void => {
      if (row === i || settled[row] || visited[row] === stamp) return;
      visited[row] = stamp;
      via[row] = col;
      from[row] = by;
      queue.push(row);
    };
    /** Row `by` moves into `col`; true when that closes the cycle. */
    const arrive = (col: number, by: number): boolean => {
      if (col === old) {
        endRow = by;
        return true;
      }
      const owner = colRow[col]!;
      if (owner >= 0) {
        reach(owner, col, by);
        return false;
      }
      if (sinkReached || !zeroPotential(col)) return false;
      sinkReached = true;
      sinkRow = by;
      sinkCol = col;
      // From the sink: i's old column may go free, or another matched column of zero potential, whose row moves on.
      if (zeroPotential(old)) {
        endViaSink = true;
        return true;
      }
      for (let z = 0; z < columns; z++)
        if (z !== old && colRow[z]! >= 0 && zeroPotential(z)) reach(colRow[z]!, z, FROM_SINK);
      return false;
    };
    let closed = arrive(target, i);
    for (let q = 0; q < queue.length && !closed; q++) {
      const row = queue[q]!;
      for (const col of tightColumns(row)) {
        if (col !== rowCol[row] && arrive(col, row)) {
          closed = true;
          break;
        }
      }
    }
    if (!closed) return false;
    // Shift every row on the cycle one column along, walking back from its end, then give i its target.
    let row: number;
    let col: number;
    if (endViaSink) {
      colRow[old] = -1;
      row = sinkRow;
      col = sinkCol;
    } else {
      row = endRow;
      col = old;
    }
    while (row !== i) {
      const held = via[row]!;
      const next = from[row]!;
      rowCol[row] = col;
      colRow[col] = row;
      if (next === FROM_SINK) {
        colRow[held] = -1;
        row = sinkRow;
        col = sinkCol;
      } else {
        row = next;
        col = held;
      }
    }
    rowCol[i] = target;
    colRow[target] = i;
    return true;
  };

  for (let i = 0; i < rows; i++) {
    const old = rowCol[i]!;
    for (const target of tightColumns(i)) {
      if (target >= old) break;
      const owner = colRow[target]!;
      if (owner >= 0 && settled[owner]) continue;
      if (reroute(i, target, old)) break;
    }
    settled[i] = 1;
  }
}
