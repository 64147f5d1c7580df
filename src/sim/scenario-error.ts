// A scenario file's first problem as one line an operator can act on: where (a path like blades[3].id) and what.

export interface ScenarioError {
  /** Where in the document, e.g. "blades[3].resources.memoryGiB"; "" for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** `FILE: blades[3].resources.memoryGiB: expected a number >= 0` */
export function formatScenarioError(origin: string, error: ScenarioError): string {
  return error.path === '' ? `${origin}: ${error.message}` : `${origin}: ${error.path}: ${error.message}`;
}

/** ["blades", 3, "id"] -> "blades[3].id"; keys that are not plain names are quoted. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}
