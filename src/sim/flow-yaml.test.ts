// The fast reader must never read a file differently from the full YAML parser: it reads the same value, or
// declines (null) and leaves the file to that parser.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseFlowYaml } from './flow-yaml.js';
import { generateScenario } from './generate.js';
import { scenarioToJson, scenarioToYaml } from './scenario-yaml.js';

/** The full parser's value, or 'error' where it reports one. */
function reference(text: string): unknown {
  const document = YAML.parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) return 'error';
  try {
    return document.toJS();
  } catch {
    return 'error';
  }
}

describe('parseFlowYaml', () => {
  it('reads generated files exactly as the yaml package does', () => {
    for (const seed of [1, 2]) {
      const text = scenarioToYaml(generateScenario({ blades: 100, seed }), { comment: `seed ${seed}` });
      const fast = parseFlowYaml(text);
      expect(fast).not.toBeNull();
      expect(fast).toEqual(YAML.parse(text));
      expect(fast).toEqual(JSON.parse(scenarioToJson(generateScenario({ blades: 100, seed }))));
    }
  });

  const examples = join(import.meta.dirname, '../../examples');
  it.each(readdirSync(examples).filter((f) => /\.ya?ml$/.test(f)))('reads examples/%s the same or declines', (file) => {
    const text = readFileSync(join(examples, file), 'utf8');
    const fast = parseFlowYaml(text);
    if (fast !== null) expect(fast).toEqual(YAML.parse(text));
  });

  it('reads null for a key with no items, as YAML does', () => {
    expect(parseFlowYaml('name: x\nevents:\n')).toEqual({ name: 'x', events: null });
  });

  it('declines what it cannot be sure of', () => {
    for (const text of [
      'blades:\n  - id: A\n    resources: {}\n', // a block mapping
      'name: x # a comment\n',
      'name: "a\\tb"\n',
      "name: 'it''s'\n",
      'name: x\nname: y\n',
      'policy: { a: 1, a: 2 }\n',
      'blades:\n  - { id: &a A }\n',
      'name: 0x10\n',
      'name: .inf\n',
      'name: ~\n',
      'name: True\n',
      'name: 012\n',
      'blades:\n  - { id: A }\n   - { id: B }\n',
      '--- \nname: x\n',
      'blades:\n  - 2e3\nnull: \n', // a null key: the full parser's '' key
      'True: 1\n',
      'policy: { null: 1 }\n',
      'policy: { true: 1, NULL: 2 }\n',
      '',
    ]) {
      expect(parseFlowYaml(text), text).toBeNull();
    }
  });

  it('agrees with the full parser on random flow-style text (or declines)', () => {
    const token = fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      ', ',
      ',',
      ': ',
      ':',
      ' ',
      'a',
      'b0',
      'id',
      'x86_64',
      '1',
      '-1.5',
      '2e3',
      '012',
      '0x1',
      '.5',
      '"q"',
      "'s'",
      '"',
      "'",
      '#',
      ' #c',
      'true',
      'Null',
      'null',
      '~',
      'yes',
      '-',
      '- ',
      '&a',
      '*a',
      '!t',
      '?',
      '\\',
      '__proto__',
      '\n',
      '\n  - ',
      '\n  ',
      '\nname: ',
      '\nblades:',
      '\n    - ',
      '%',
      '@',
      '|',
      '>',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 30 }), (tokens) => {
        const text = `blades:\n  - ${tokens.join('')}\n`;
        const fast = parseFlowYaml(text);
        if (fast === null) return;
        expect(fast).toEqual(reference(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('reads random well-formed flow entries (it does not just decline)', () => {
    const scalar = fc.oneof(
      fc.constantFrom('b0001', 'x86_64', 'a.b/c-d', 'yes', 'true', 'false', 'null', 'True', 'NULL'),
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    );
    const { value } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('value'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('id', 'a', 'b0', 'cpu_x'), tie('value'), { maxKeys: 3 }),
      ),
    }));
    const render = (v: unknown): string => {
      if (Array.isArray(v)) return v.length === 0 ? '[]' : `[ ${v.map(render).join(', ')} ]`;
      if (typeof v === 'object' && v !== null) {
        const parts = Object.entries(v).map(([k, x]) => `${k}: ${render(x)}`);
        return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`;
      }
      return String(v);
    };
    let read = 0;
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), (items) => {
        const text = `name: x\nblades:\n${items.map((item) => `  - ${render(item)}\n`).join('')}`;
        const fast = parseFlowYaml(text);
        if (fast === null) return;
        read++;
        expect(fast).toEqual(reference(text));
      }),
      { numRuns: 5_000 },
    );
    expect(read).toBeGreaterThan(1_000);
  });
});
