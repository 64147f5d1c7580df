// Rows in classes, columns in groups: solved by whichever of the two exact solvers is cheaper for the instance.
//
// Both give the same assignment (same optimum, same tie-break; grouped-assignment.test.ts checks it). The grouped
// solver wins when rows and columns repeat, as in a data center of a few hundred blade shapes; when nearly every
// row and every column is different (a dense random instance) it is a slower way to do the per-row solver's work.
import { AssignmentProblem, type Cost } from './assignment.js';
import { GroupedAssignment } from './grouped-assignment.js';

export interface RowClass {
  /** The cost of a row of this class taking no column. */
  readonly fallback: Cost;
  /** The groups a row of this class may take, each at one cost for all its columns. */
  readonly edges: readonly { readonly group: number; readonly cost: Cost }[];
}

export interface ClassInstance {
  readonly columns: number;
  /** Ascending column indices per group; groups are disjoint. */
  readonly groups: readonly (readonly number[])[];
  readonly classes: readonly RowClass[];
  /** The class of each row, rows in tie-break order. */
  readonly rowClass: readonly number[];
}

export type Solver = 'grouped' | 'per-row';

/** The column for each row, or -1 for its fallback; `solver` forces one solver (for tests). */
export function assignClasses(instance: ClassInstance, solver?: Solver): Int32Array {
  const { groups, classes, rowClass } = instance;
  // k rows can use at most k columns of a group, and of equal columns the lowest win the final tie-break: the
  // per-row solver needs only the first `wanted` columns of each group.
  const wanted = new Int32Array(groups.length);
  const rowsOf = new Int32Array(classes.length);
  for (const c of rowClass) rowsOf[c]!++;
  classes.forEach((cls, c) => {
    for (const { group } of cls.edges) wanted[group]! += rowsOf[c]!;
  });
  let groupedEdges = 0;
  let perRowEdges = 0;
  classes.forEach((cls, c) => {
    if (rowsOf[c] === 0) return;
    groupedEdges += cls.edges.length + 1;
    for (const { group } of cls.edges) perRowEdges += rowsOf[c]! * Math.min(groups[group]!.length, wanted[group]!);
    perRowEdges += rowsOf[c]!;
  });
  // The grouped solver's phases each read its whole graph; the per-row solver reads a few rows per augmentation.
  // A fourfold smaller graph is where grouping has paid on every instance measured (docs/performance.md).
  const useGrouped = solver === undefined ? 4 * groupedEdges <= perRowEdges : solver === 'grouped';
  return useGrouped ? solveGrouped(instance) : solvePerRow(instance, wanted);
}

function solveGrouped({ columns, groups, classes, rowClass }: ClassInstance): Int32Array {
  const problem = new GroupedAssignment(columns);
  for (const members of groups) problem.addGroup(members);
  for (const cls of classes) {
    problem.addClass(cls.fallback);
    for (const { group, cost } of cls.edges) problem.addEdge(group, cost);
  }
  return problem.solve(rowClass);
}

function solvePerRow({ columns, groups, classes, rowClass }: ClassInstance, wanted: Int32Array): Int32Array {
  const problem = new AssignmentProblem(columns);
  for (const c of rowClass) {
    const cls = classes[c]!;
    problem.addRow(cls.fallback);
    for (const { group, cost } of cls.edges) {
      const members = groups[group]!;
      const usable = Math.min(members.length, wanted[group]!);
      for (let m = 0; m < usable; m++) problem.addEdge(members[m]!, cost);
    }
  }
  return problem.solve();
}
