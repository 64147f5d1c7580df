// The time integral of the summed fit of the workloads occupying a blade: the simulator's measure of how well the data center fits.
import type { Fit } from '../core/fit.js';

/**
 * Kept incrementally (add and remove as workloads land and leave) so a clock step costs O(1), not a scan of every workload.
 * A workload counts while it occupies a blade: running, or being cascaded (it keeps running on its source).
 * A workload in a failover or a first placement runs nowhere and counts nothing.
 */
export class FitIntegral {
  private last = 0;
  private surplus = 0;
  private deficit = 0;
  private count = 0;
  surplusArea = 0;
  deficitArea = 0;

  advance(time: number): void {
    const span = time - this.last;
    if (span > 0) {
      this.surplusArea += span * this.surplus;
      this.deficitArea += span * this.deficit;
    }
    this.last = time;
  }

  add(fit: Fit): void {
    this.count++;
    this.surplus += fit.surplus;
    this.deficit += fit.deficit;
  }

  remove(fit: Fit): void {
    this.count--;
    this.surplus -= fit.surplus;
    this.deficit -= fit.deficit;
    // Adding and subtracting floats drifts; an empty data center must sum to exactly zero.
    if (this.count === 0) {
      this.surplus = 0;
      this.deficit = 0;
    }
  }

  /** The current sums, for invariant checks. */
  get sums(): { readonly surplus: number; readonly deficit: number; readonly count: number } {
    return { surplus: this.surplus, deficit: this.deficit, count: this.count };
  }
}
