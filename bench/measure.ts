// Timing and statistics for the benchmarks: every figure is a median over runs measured in this process, never a single shot.

/** Milliseconds, with sub-microsecond resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function time<T>(work: () => T): { value: T; ms: number } {
  const start = now();
  const value = work();
  return { value, ms: now() - start };
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Rounds for display and JSON: figures carry 4 significant digits, no false precision. */
export function sig(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** One line on stderr that rewrites itself, so a long run shows where it is without flooding a CI log. */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  private started = now();

  step(message: string): void {
    const elapsed = ((now() - this.started) / 1000).toFixed(0).padStart(4);
    if (this.tty) process.stderr.write(`\r\x1b[K[${elapsed}s] ${message}`);
    else process.stderr.write(`[${elapsed}s] ${message}\n`);
  }

  done(): void {
    if (this.tty) process.stderr.write('\n');
  }
}

/** A seeded stream of indices, so runs of one size pick the same blades on every machine. */
export function picks(count: number, range: number, seed: number): number[] {
  let state = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state % Math.max(1, range));
  }
  return out;
}
