// Id order for everything the simulator sorts: code-unit order, unlike localeCompare the same on every machine.

export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byId<T extends { readonly id: string }>(a: T, b: T): number {
  return compareIds(a.id, b.id);
}
