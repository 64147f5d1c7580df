// A scenario file's first problem as one line an operator can act on: where (a path like blades[3].id) and what.
import { formatPath } from '../core/field-path.js';

export { formatPath };

export interface ScenarioError {
  /** Where in the document, e.g. "blades[3].resources.memoryGiB"; "" for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** `FILE: blades[3].resources.memoryGiB: expected a number >= 0` */
export function formatScenarioError(origin: string, error: ScenarioError): string {
  return error.path === '' ? `${origin}: ${error.message}` : `${origin}: ${error.path}: ${error.message}`;
}
