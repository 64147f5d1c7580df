// The offline optimum of an assignment, by an independent solver: HiGHS (the `highs` package, WebAssembly) on the LP
// relaxation, which is exact here because the bipartite matching polytope has integral vertices.

export interface Pair {
  readonly row: number;
  readonly column: number;
  /** What choosing the pair adds to the objective (a fit cost, or a cost difference). */
  readonly cost: number;
}

export interface LpSolution {
  readonly objective: number;
  /** The pairs the solver chose (value > 0.5). */
  readonly chosen: readonly Pair[];
}

interface HighsColumn {
  readonly Primal: number;
}
interface HighsResult {
  readonly Status: string;
  readonly ObjectiveValue: number;
  readonly Columns: Readonly<Record<string, HighsColumn>>;
}
interface Highs {
  solve(problem: string): HighsResult;
}

let solver: Promise<Highs | null> | undefined;

/** HiGHS, or null (with the reason on stderr once) when the package is missing or does not run here. */
export function highs(): Promise<Highs | null> {
  solver ??= import('highs')
    // Our narrow view of its result: the package's own types describe every field HiGHS can return.
    .then(async (module: unknown) => (await (module as { default: () => Promise<unknown> }).default()) as Highs)
    .catch((error: unknown) => {
      process.stderr.write(
        `bench: HiGHS unavailable (${error instanceof Error ? error.message : String(error)}); npm install --save-dev highs\n`,
      );
      return null;
    });
  return solver;
}

/**
 * Each row takes at most one column and each column at most one row. With `minimum` rows, the number of chosen
 * pairs is fixed at that count (a failover places as many as it can before it minimizes cost: the caller finds
 * the count by a first solve that maximizes it).
 */
export function assignmentLp(pairs: readonly Pair[], sense: 'minimize' | 'maximize', count?: number): string {
  const rows = new Map<number, number[]>();
  const columns = new Map<number, number[]>();
  pairs.forEach((pair, i) => {
    rows.set(pair.row, [...(rows.get(pair.row) ?? []), i]);
    columns.set(pair.column, [...(columns.get(pair.column) ?? []), i]);
  });
  const term = (i: number): string => `x${i}`;
  const lines = [
    sense === 'minimize' ? 'Minimize' : 'Maximize',
    ` obj: ${pairs.map((p, i) => `${p.cost >= 0 ? '+' : '-'} ${Math.abs(p.cost)} ${term(i)}`).join(' ') || '0 x0'}`,
    'Subject To',
  ];
  for (const [row, members] of rows) lines.push(` r${row}: ${members.map(term).join(' + ')} <= 1`);
  for (const [column, members] of columns) lines.push(` c${column}: ${members.map(term).join(' + ')} <= 1`);
  if (count !== undefined && pairs.length > 0) lines.push(` n: ${pairs.map((_, i) => term(i)).join(' + ')} = ${count}`);
  lines.push('Bounds');
  pairs.forEach((_, i) => {
    lines.push(` 0 <= ${term(i)} <= 1`);
  });
  lines.push('End');
  return lines.join('\n');
}

export async function solveAssignment(
  pairs: readonly Pair[],
  sense: 'minimize' | 'maximize',
  count?: number,
): Promise<LpSolution | null> {
  const solver = await highs();
  if (solver === null) return null;
  if (pairs.length === 0) return { objective: 0, chosen: [] };
  const result = solver.solve(assignmentLp(pairs, sense, count));
  if (result.Status !== 'Optimal') throw new Error(`HiGHS: ${result.Status}`);
  const chosen = pairs.filter((_, i) => (result.Columns[`x${i}`]?.Primal ?? 0) > 0.5);
  return { objective: result.ObjectiveValue, chosen };
}
