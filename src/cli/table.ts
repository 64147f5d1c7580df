// Plain text tables for people: columns padded to their widest cell.

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A fit as "d 0 s 1.5"; a missing fit (a first placement has no before) as "-". */
export function shortFit(fit: { deficit: number; surplus: number } | null): string {
  if (fit === null) return '-';
  const n = (x: number): string => String(Math.round(x * 1000) / 1000);
  return fit.deficit > 0 ? `deficit ${n(fit.deficit)}, surplus ${n(fit.surplus)}` : `surplus ${n(fit.surplus)}`;
}

export function duration(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 3 * 86400) return `${Math.round(seconds / 360) / 10}h`;
  return `${Math.round(seconds / 8640) / 10}d`;
}
