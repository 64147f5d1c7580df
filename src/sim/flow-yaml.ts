// A fast reader for the scenario files `cascade generate` writes: top-level keys whose values are flow collections
// or scalars on one line, and block sequences of one flow value per line. It builds plain values directly, with no
// document tree (the `yaml` package's tree is most of the time and garbage of reading 100,000 blades). Anything it
// is not certain to read exactly as YAML 1.2's core schema would (block mappings, anchors, tags, escapes, comments
// after a value, unusual scalars) makes it answer null, and the caller falls back to the full parser.

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

class NotFlow extends Error {}

const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$/;
// Plain scalars that the core schema reads as something other than a string, or that this reader leaves alone.
const SPECIAL =
  /^(?:[-+]?\.?[0-9]|~$|[nN]ull$|NULL$|[tT]rue$|TRUE$|[fF]alse$|FALSE$|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN)$)/;
const INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;
const TOP_KEY = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/;
const ITEM = /^( +)- /;

/** The file's value, or null when it is not in the subset this reader is sure of. */
export function parseFlowYaml(text: string): Record<string, Value> | null {
  if (text.includes('\t') || text.includes('\r')) return null;
  try {
    return readDocument(text);
  } catch (error) {
    if (error instanceof NotFlow) return null;
    throw error;
  }
}

function readDocument(text: string): Record<string, Value> {
  const out: Record<string, Value> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ) {
    const line = lines[i++]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const top = TOP_KEY.exec(line);
    // A key the core schema reads as null, a boolean or a number is not the string it looks like.
    if (top === null || top[1] === '__proto__' || SPECIAL.test(top[1]!) || Object.hasOwn(out, top[1]!))
      throw new NotFlow();
    const rest = top[2]?.trim() ?? '';
    if (rest !== '') {
      out[top[1]!] = readLineValue(rest);
      continue;
    }
    // A key alone on its line: the block sequence under it, one flow value per line (none: YAML's null).
    const items: string[] = [];
    const first = ITEM.exec(lines[i] ?? '');
    const indent = first === null ? '' : `${first[1]}- `;
    while (i < lines.length && indent !== '' && lines[i]!.startsWith(indent))
      items.push(lines[i++]!.slice(indent.length));
    out[top[1]!] = items.length === 0 ? null : readItems(items);
  }
  // An empty file is YAML's null, which the caller reports in its own words.
  if (Object.keys(out).length === 0) throw new NotFlow();
  return out;
}

/** Characters whose YAML meaning this reader leaves to the full parser: quotes, comments, anchors, tags, escapes. */
const UNSURE = /["'#&*!|>%@`?\\~]|__proto__/;
/** A plain scalar that YAML reads as a string and JSON needs quoted: a name-like token between flow indicators. */
const NAME =
  /([{[,:]\s*)(?!(?:true|false|null|True|TRUE|False|FALSE|Null|NULL)\s*[,}\]:])([A-Za-z_][A-Za-z0-9_./-]*)(?=\s*[,}\]:])/g;

/**
 * The items as one JSON array: name-like plain scalars quoted, everything else left as written, so that what is
 * left is either JSON that means what the YAML means (numbers, true, false, null, braces, brackets) or not JSON
 * at all (which declines). JSON.parse then does the work in native code, five times faster than a reader here.
 */
function readItems(items: readonly string[]): Value[] {
  const joined = `[${items.join(',\n')}]`;
  if (UNSURE.test(joined)) throw new NotFlow();
  const json = joined.replace(NAME, '$1"$2"');
  let value: Value[];
  try {
    value = JSON.parse(json) as Value[];
  } catch {
    throw new NotFlow();
  }
  // JSON keeps the last of two equal keys where YAML reports an error: every key written must be in the value.
  // An empty item is YAML's null, and JSON's nothing.
  if (value.length !== items.length || countKeys(value) !== occurrences(json, '":')) throw new NotFlow();
  return value;
}

function countKeys(value: Value): number {
  if (typeof value !== 'object' || value === null) return 0;
  let n = 0;
  if (Array.isArray(value)) {
    for (const item of value) n += countKeys(item);
    return n;
  }
  for (const key in value) n += 1 + countKeys(value[key]!);
  return n;
}

function occurrences(text: string, part: string): number {
  let n = 0;
  for (let at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length)) n++;
  return n;
}

function readLineValue(source: string): Value {
  const reader = new FlowReader(source);
  const value = reader.value(false);
  reader.end();
  return value;
}

class FlowReader {
  private at = 0;
  constructor(private readonly s: string) {}

  end(): void {
    this.space();
    if (this.at !== this.s.length) throw new NotFlow();
  }

  value(inFlow: boolean): Value {
    this.space();
    const c = this.s[this.at];
    if (c === '{') return this.map();
    if (c === '[') return this.seq();
    if (c === '"' || c === "'") return this.quoted(c);
    return this.plain(inFlow, false);
  }

  private map(): { [key: string]: Value } {
    const out: { [key: string]: Value } = {};
    this.at++;
    this.space();
    if (this.s[this.at] === '}') {
      this.at++;
      return out;
    }
    for (;;) {
      this.space();
      const c = this.s[this.at];
      const key = c === '"' || c === "'" ? this.quoted(c) : this.plain(true, true);
      if (typeof key !== 'string' || key === '__proto__' || Object.hasOwn(out, key)) throw new NotFlow();
      if (this.s[this.at] !== ':' || this.s[this.at + 1] !== ' ') throw new NotFlow();
      this.at += 2;
      out[key] = this.value(true);
      this.space();
      const next = this.s[this.at++];
      if (next === '}') return out;
      if (next !== ',') throw new NotFlow();
    }
  }

  private seq(): Value[] {
    const out: Value[] = [];
    this.at++;
    this.space();
    if (this.s[this.at] === ']') {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value(true));
      this.space();
      const next = this.s[this.at++];
      if (next === ']') return out;
      if (next !== ',') throw new NotFlow();
    }
  }

  private quoted(quote: string): string {
    const close = this.s.indexOf(quote, this.at + 1);
    if (close < 0) throw new NotFlow();
    const body = this.s.slice(this.at + 1, close);
    // Escapes ("\n", '' for a quote) and doubled quotes are left to the full parser.
    if (body.includes('\\') || this.s[close + 1] === quote) throw new NotFlow();
    this.at = close + 1;
    return body;
  }

  /** A plain scalar up to the next flow indicator (or `: ` for a key); typed as the core schema would. */
  private plain(inFlow: boolean, isKey: boolean): Value {
    const start = this.at;
    const s = this.s;
    while (this.at < s.length) {
      const c = s[this.at]!;
      if (inFlow && (c === ',' || c === '}' || c === ']' || c === '{' || c === '[')) break;
      // `:` ends a key before a space, the line's end or (in a flow collection) a flow indicator.
      const after = s[this.at + 1];
      if (c === ':' && (after === ' ' || after === undefined || (inFlow && ',[]{}'.includes(after)))) break;
      this.at++;
    }
    const text = s.slice(start, this.at).trim();
    if (text === '' || text.includes('#') || text.includes(': ') || INDICATOR.test(text)) throw new NotFlow();
    if (isKey) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text) || SPECIAL.test(text)) throw new NotFlow();
      return text;
    }
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (NUMBER.test(text)) return Number(text);
    if (SPECIAL.test(text)) throw new NotFlow();
    return text;
  }

  private space(): void {
    while (this.s[this.at] === ' ') this.at++;
  }
}
