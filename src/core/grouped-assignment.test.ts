// The grouped solver against the per-row one and against brute force, on instances full of duplicate rows and columns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssignmentProblem, type Cost } from './assignment.js';
import { GroupedAssignment } from './grouped-assignment.js';

interface Grouped {
  columns: number;
  /** Column indices per group (disjoint, ascending). */
  groups: number[][];
  classes: { fallback: Cost; edges: Map<number, Cost> }[];
  rowClass: number[];
}

const cost = (fitMin: number) =>
  fc.tuple(
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: fitMin, max: 30 }),
    fc.integer({ min: 0, max: 1 }),
    fc.integer({ min: 0, max: 3 }),
  );

/** Columns dealt into groups at random (so a group's members are not contiguous), rows dealt into classes. */
const grouped = (maxColumns: number, maxRows: number, fitMin: number, costs = cost(fitMin)): fc.Arbitrary<Grouped> =>
  fc
    .tuple(fc.integer({ min: 0, max: maxColumns }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
    .chain(([columns, groupCount, classCount]) =>
      fc.record({
        columns: fc.constant(columns),
        dealt: fc.array(fc.integer({ min: 0, max: groupCount - 1 }), { minLength: columns, maxLength: columns }),
        classes: fc.array(
          fc.record({
            fallback: costs,
            edges: fc
              .uniqueArray(fc.tuple(fc.integer({ min: 0, max: groupCount - 1 }), costs), {
                selector: (e) => e[0],
                maxLength: groupCount,
              })
              .map((e) => new Map(e)),
          }),
          { minLength: classCount, maxLength: classCount },
        ),
        rowClass: fc.array(fc.integer({ min: 0, max: classCount - 1 }), { minLength: 1, maxLength: maxRows }),
        groupCount: fc.constant(groupCount),
      }),
    )
    .map(({ columns, dealt, classes, rowClass, groupCount }) => {
      const groups: number[][] = Array.from({ length: groupCount }, () => []);
      dealt.forEach((g, col) => {
        groups[g]!.push(col);
      });
      return { columns, groups, classes, rowClass };
    });

function solveGrouped(inst: Grouped): number[] {
  const problem = new GroupedAssignment(inst.columns);
  for (const members of inst.groups) problem.addGroup(members);
  for (const c of inst.classes) {
    problem.addClass(c.fallback);
    for (const [g, cst] of c.edges) problem.addEdge(g, cst);
  }
  return [...problem.solve(inst.rowClass)];
}

/** The same instance spelled out row by row and column by column, for the per-row solver. */
function solvePerRow(inst: Grouped): number[] {
  const problem = new AssignmentProblem(inst.columns);
  for (const c of inst.rowClass) {
    const cls = inst.classes[c]!;
    problem.addRow(cls.fallback);
    const edges: [number, Cost][] = [];
    for (const [g, cst] of cls.edges) for (const col of inst.groups[g]!) edges.push([col, cst]);
    edges.sort((a, b) => a[0] - b[0]);
    for (const [col, cst] of edges) problem.addEdge(col, cst);
  }
  return [...problem.solve()];
}

function costOf(inst: Grouped, row: number, col: number): Cost | undefined {
  const cls = inst.classes[inst.rowClass[row]!]!;
  if (col < 0) return cls.fallback;
  const g = inst.groups.findIndex((m) => m.includes(col));
  return cls.edges.get(g);
}

function total(inst: Grouped, choice: readonly number[]): number[] {
  const sum = [0, 0, 0, 0];
  choice.forEach((col, row) => {
    const c = costOf(inst, row, col)!;
    for (let k = 0; k < 4; k++) sum[k]! += c[k]!;
  });
  return sum;
}

const lexCompare = (a: readonly number[], b: readonly number[]): number => {
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! - b[k]!;
  return 0;
};

/** Every assignment: the least total, then the lowest columns in row order (a fallback after every column). */
function bruteForce(inst: Grouped): number[] {
  let best: { total: number[]; ranks: number[]; choice: number[] } | null = null;
  const used = new Set<number>();
  const choice: number[] = [];
  const walk = (row: number): void => {
    if (row === inst.rowClass.length) {
      const t = total(inst, choice);
      const ranks = choice.map((c) => (c < 0 ? Number.MAX_SAFE_INTEGER : c));
      if (best === null || (lexCompare(t, best.total) || lexCompare(ranks, best.ranks)) < 0)
        best = { total: t, ranks, choice: [...choice] };
      return;
    }
    for (let col = -1; col < inst.columns; col++) {
      if (col >= 0 && (used.has(col) || costOf(inst, row, col) === undefined)) continue;
      if (col >= 0) used.add(col);
      choice.push(col);
      walk(row + 1);
      choice.pop();
      used.delete(col);
    }
  };
  walk(0);
  return best!.choice;
}

describe('GroupedAssignment', () => {
  it('hands equal blades out lowest first, in row order', () => {
    const problem = new GroupedAssignment(5);
    problem.addGroup([1, 3, 4]);
    problem.addGroup([0, 2]);
    problem.addClass([0, 10, 0, 0]);
    problem.addEdge(0, [0, 1, 1, 0]);
    problem.addEdge(1, [0, 1, 1, 0]);
    expect([...problem.solve([0, 0, 0, 0, 0, 0])]).toEqual([0, 1, 2, 3, 4, -1]);
  });

  it('gives a row a lower column when another row can make room for it', () => {
    // Row 0 takes column 0 only if row 1, which could also use it, goes to column 1.
    const problem = new GroupedAssignment(2);
    problem.addGroup([0]);
    problem.addGroup([1]);
    problem.addClass([1, 0, 0, 0]);
    problem.addEdge(0, [0, 5, 0, 0]);
    problem.addEdge(1, [0, 5, 0, 0]);
    problem.addClass([1, 0, 0, 0]);
    problem.addEdge(0, [0, 5, 0, 0]);
    expect([...problem.solve([1, 0])]).toEqual([0, 1]);
    expect([...problem.solve([0, 1])]).toEqual([1, 0]);
  });

  it('matches brute force on small instances, ties included', () => {
    fc.assert(
      fc.property(grouped(6, 6, -10), (inst) => {
        expect(solveGrouped(inst)).toEqual(bruteForce(inst));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with brute force, and so does the per-row solver, when costs take few values (ties everywhere)', () => {
    const few = fc.tuple(
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: -2, max: 3 }),
      fc.integer({ min: 0, max: 1 }),
      fc.integer({ min: 0, max: 1 }),
    );
    fc.assert(
      fc.property(grouped(6, 6, -2, few), (inst) => {
        const best = bruteForce(inst);
        expect(solveGrouped(inst)).toEqual(best);
        expect(solvePerRow(inst)).toEqual(best);
      }),
      { numRuns: 3000 },
    );
  });

  it('matches the per-row solver on larger instances with many duplicates', () => {
    fc.assert(
      fc.property(grouped(40, 40, 0), (inst) => {
        expect(solveGrouped(inst)).toEqual(solvePerRow(inst));
      }),
      { numRuns: 400 },
    );
  });
});
