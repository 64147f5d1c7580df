// The assignment solver on instances wide and dense enough for its scanned-list queue (more than 64 columns, most
// edges present), against an oracle of its own: with r rows, some optimum gives each row one of its r cheapest
// columns or its fallback (a row on a column outside them could swap to one its r-1 rivals leave free), so a search
// over those few choices finds the optimal total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssignmentProblem, type Cost } from './assignment.js';

interface Row {
  readonly fallback: Cost;
  readonly edges: ReadonlyMap<number, Cost>;
}

const compare = (a: readonly number[], b: readonly number[]): number => {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
};

const add = (a: readonly number[], b: readonly number[]): number[] => a.map((x, k) => x + b[k]!);

/** The least total cost over assignments of rows to distinct columns or their fallbacks. */
function optimum(rows: readonly Row[]): number[] {
  const shortlists = rows.map((row) =>
    [...row.edges]
      .sort((a, b) => compare(a[1], b[1]) || a[0] - b[0])
      .slice(0, rows.length)
      .map(([col]) => col),
  );
  let best: number[] | null = null;
  const used = new Set<number>();
  const walk = (i: number, sum: number[]): void => {
    if (i === rows.length) {
      if (best === null || compare(sum, best) < 0) best = sum;
      return;
    }
    walk(i + 1, add(sum, rows[i]!.fallback));
    for (const col of shortlists[i]!) {
      if (used.has(col)) continue;
      used.add(col);
      walk(i + 1, add(sum, rows[i]!.edges.get(col)!));
      used.delete(col);
    }
  };
  walk(0, [0, 0, 0, 0]);
  return best!;
}

function solve(columns: number, rows: readonly Row[]): Int32Array {
  const problem = new AssignmentProblem(columns);
  for (const row of rows) {
    problem.addRow(row.fallback);
    for (const [col, cost] of row.edges) problem.addEdge(col, cost);
  }
  return problem.solve();
}

// Costs close together, so that rows want the same few columns and the solver must augment through its rivals.
const cost = fc.tuple(
  fc.constant(0),
  fc.integer({ min: 0, max: 12 }),
  fc.integer({ min: 0, max: 1 }),
  fc.integer({ min: 0, max: 3 }),
);

const wide = fc
  .integer({ min: 65, max: 90 })
  .chain((columns) =>
    fc.record({
      columns: fc.constant(columns),
      rows: fc.array(
        fc.record({
          fallback: fc.tuple(fc.constant(1), fc.integer({ min: 0, max: 12 }), fc.constant(0), fc.constant(0)),
          // Every column but a few: well above the quarter of all pairs that makes the instance dense.
          missing: fc.uniqueArray(fc.integer({ min: 0, max: columns - 1 }), { maxLength: 8 }),
          costs: fc.array(cost, { minLength: columns, maxLength: columns }),
        }),
        { minLength: 2, maxLength: 6 },
      ),
    }),
  )
  .map(({ columns, rows }) => ({
    columns,
    rows: rows.map(({ fallback, missing, costs }): Row => {
      const skip = new Set(missing);
      const edges = new Map<number, Cost>();
      costs.forEach((c, col) => {
        if (!skip.has(col)) edges.set(col, c);
      });
      return { fallback, edges };
    }),
  }));

describe('AssignmentProblem on wide dense instances', () => {
  it('reaches the optimal total, on distinct allowed columns', () => {
    fc.assert(
      fc.property(wide, ({ columns, rows }) => {
        const choice = solve(columns, rows);
        const cols = [...choice].filter((c) => c >= 0);
        expect(new Set(cols).size).toBe(cols.length);
        let sum = [0, 0, 0, 0];
        choice.forEach((c, i) => {
          const row = rows[i]!;
          if (c >= 0) expect(row.edges.has(c)).toBe(true);
          sum = add(sum, c < 0 ? row.fallback : row.edges.get(c)!);
        });
        expect(sum).toEqual(optimum(rows));
      }),
      { numRuns: 60 },
    );
  });

  it('gives the one cheap column to the row that loses most without it, across 80 columns', () => {
    // Every row's cheapest column is 0; row 2 pays most elsewhere, so it gets column 0 and the others their second best.
    const columns = 80;
    const rows: Row[] = [3, 5, 9].map((penalty, r) => {
      const edges = new Map<number, Cost>();
      for (let col = 0; col < columns; col++) edges.set(col, [0, col === 0 ? 0 : col === r + 1 ? penalty : 50, 0, 0]);
      return { fallback: [1, 0, 0, 0], edges };
    });
    expect([...solve(columns, rows)]).toEqual([1, 2, 0]);
  });
});
