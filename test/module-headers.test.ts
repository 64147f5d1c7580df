// Every module under src/ and bench/ opens with one line on its job, and no non-test source file grows past 300 lines.
//
// Tests are held to the header rule too: a test file's first line says which behaviour it pins down, which is what a
// reader opening it from a failing run needs first. They are not held to the length limit: a suite is as long as
// the cases of its subject, and splitting it by line count would scatter one subject's cases over files.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const MAX_LINES = 300;

/** Files allowed over the limit while they wait for a split: none now, and it must stay so. */
const LONG_FOR_NOW: ReadonlySet<string> = new Set<string>([]);

/** Comments that open a file for a tool, not for a reader. */
const DIRECTIVE = /^(biome-ignore|@ts-|eslint|@vitest-environment|prettier-ignore|#region)/;

/** Why the file's first line is no header on its job, or null when it is one. */
function headerProblem(text: string): string | null {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const first = lines[0]?.startsWith('#!') ? lines[1] : lines[0];
  const match = /^(?:\/\/|\/\*\*?)\s*(.*?)\s*(?:\*\/)?$/.exec(first ?? '');
  if (!match) return `opens with ${JSON.stringify((first ?? '').slice(0, 60))}, not a comment on its job`;
  const said = match[1] ?? '';
  if (DIRECTIVE.test(said)) return `opens with a tool directive (${said.slice(0, 40)}), not a line on its job`;
  const words = said.split(/\s+/).filter((w) => /\p{L}/u.test(w));
  if (words.length < 3) return `opens with ${JSON.stringify(said)}: too short to say its job`;
  return null;
}

/** Lines as `wc -l` counts them. */
function lineCount(text: string): number {
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

const modules = ['src', 'bench']
  .flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `${dir}/${f.split('\\').join('/')}`),
  )
  .sort();
const isTest = (file: string): boolean => file.endsWith('.test.ts');

describe('the header check itself', () => {
  it('accepts a line comment or a doc comment that says something, after a shebang too', () => {
    expect(headerProblem('// The transfer reconciler: drives one transfer through its steps.\nimport x;\n')).toBeNull();
    expect(headerProblem('/** Operator commands, one function each. */\nexport {};\n')).toBeNull();
    expect(headerProblem('/**\n * no words on the first line\n */\n')).not.toBeNull();
    expect(headerProblem('#!/usr/bin/env node\n// Starts the command line of cascade.\n')).toBeNull();
  });

  it('refuses code first, a tool directive, and a word or two', () => {
    expect(headerProblem("import { z } from 'zod';\n// The policy schema.\n")).toMatch(/not a comment/);
    expect(headerProblem('// biome-ignore lint/style/useTemplate: it reads better\n')).toMatch(/directive/);
    expect(headerProblem('// @ts-nocheck and more words\n')).toMatch(/directive/);
    expect(headerProblem('// Helpers\n')).toMatch(/too short/);
    expect(headerProblem('')).not.toBeNull();
  });
});

describe('modules', () => {
  it('finds the source tree', () => {
    expect(modules.filter((f) => !isTest(f)).length).toBeGreaterThan(100);
    expect(modules.filter(isTest).length).toBeGreaterThan(50);
  });

  it('each opens with one line on its job (tests included)', () => {
    const problems = modules.flatMap((file) => {
      const problem = headerProblem(readFileSync(join(root, file), 'utf8'));
      return problem === null ? [] : [`${file}: ${problem}`];
    });
    expect(problems).toEqual([]);
  });

  it(`no non-test source file is over ${MAX_LINES} lines (files named in LONG_FOR_NOW aside)`, () => {
    const long = modules
      .filter((file) => !isTest(file) && !LONG_FOR_NOW.has(file))
      .map((file) => ({ file, lines: lineCount(readFileSync(join(root, file), 'utf8')) }))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.file}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it('the allowance names only files that exist', () => {
    expect([...LONG_FOR_NOW].filter((file) => !modules.includes(file))).toEqual([]);
  });
});
