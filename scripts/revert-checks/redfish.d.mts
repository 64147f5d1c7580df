// The shape of a revert check, for the test that keeps the list honest.
export interface RevertEdit {
  readonly file: string;
  readonly find: string;
  readonly revert: string;
}
export interface RevertCheck {
  readonly name: string;
  /** The defect, in the words of its report. */
  readonly bullet: string;
  readonly edits: readonly RevertEdit[];
  readonly tests: readonly string[];
}
export declare const CHECKS: readonly RevertCheck[];
