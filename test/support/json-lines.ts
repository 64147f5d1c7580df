// A child process's stdout read as JSON log lines: every line kept, and a wait for the first that matches.
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

export class JsonLines<L> {
  readonly lines: L[] = [];
  private waiters: { match: (l: L) => boolean; resolve: (l: L) => void }[] = [];

  /** `label` names the child in timeout errors, `context` adds to them (e.g. its stderr); `onLine` sees every line. */
  constructor(
    input: Readable,
    private readonly label: string,
    onLine?: (line: L) => void,
    private readonly context: () => string = () => '',
  ) {
    createInterface({ input }).on('line', (text) => {
      let line: L;
      try {
        line = JSON.parse(text) as L;
      } catch {
        return; // not a log line: tsx's or node's own output
      }
      this.lines.push(line);
      onLine?.(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(line)) return true;
        w.resolve(line);
        return false;
      });
    });
  }

  /** The first line (already seen or still to come) that matches. */
  waitFor(match: (l: L) => boolean, what: string, timeoutMs: number): Promise<L> {
    const already = this.lines.find(match);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // The last lines say where it stood: the first thing anyone debugging a CI failure needs.
        const tail = this.lines
          .slice(-20)
          .map((l) => JSON.stringify(l))
          .join('\n');
        reject(new Error(`${this.label}: timed out waiting for ${what}${this.context()}; its last lines:\n${tail}`));
      }, timeoutMs);
      this.waiters.push({
        match,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }
}
