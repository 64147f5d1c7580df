// The solvers' cost: a vector of integers compared lexicographically (see assignment.ts).
export const COST_SIZE = 4;
export type Cost = readonly [unplaced: number, fit: number, moves: number, size: number];
