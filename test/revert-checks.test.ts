// The revert checks stay meaningful only while each names text that is still in the code, exactly once: a fix that
// was rewritten must have its check rewritten too, or `npm run revert-checks` would quietly prove nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../scripts/revert-checks/redfish.mjs';

const root = join(import.meta.dirname, '..');

describe('revert checks', () => {
  it.each(CHECKS.map((c) => [c.name, c] as const))('%s names its fix exactly once', (_name, check) => {
    for (const edit of check.edits) {
      const text = readFileSync(join(root, edit.file), 'utf8');
      expect(text.split(edit.find).length - 1, `${edit.file}: ${edit.find}`).toBe(1);
      expect(edit.revert).not.toBe(edit.find);
    }
    expect(check.tests.length).toBeGreaterThan(0);
  });
});
