// The fake world on disk as a snapshot plus an append-only change log (`FILE.log`): each change appends one line
// with the records it touched, instead of rewriting the whole world (5.5 MB at 10,000 blades) on every call.
//
// A line is written and fdatasync'd before the call that made the change returns, so a SIGKILL (or a power loss)
// never loses a change that was acknowledged. A line cut short by a kill is the last one and is ignored: its
// change was never acknowledged. When the log outgrows the snapshot, the snapshot is rewritten atomically with the
// sequence number of the last line it holds, then the log is emptied; a kill between the two leaves lines that
// the snapshot already holds, which reading skips by their numbers.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import { writeAtomically } from './world-file.js';
import type { HistoryEntry, WorldState } from './world-state.js';

const MAPS = ['blades', 'workloads', 'attachments', 'migration', 'checkpoints'] as const;
type MapName = (typeof MAPS)[number];
type Records = Record<string, unknown>;

/** One change: records set or deleted per map, history dropped from the front and appended, the checkpoint counter. */
interface Line {
  readonly seq: number;
  readonly set?: Partial<Record<MapName, Records>>;
  readonly del?: Partial<Record<MapName, string[]>>;
  readonly history?: { readonly drop?: number; readonly replace?: HistoryEntry[]; readonly add?: HistoryEntry[] };
  readonly nextCheckpoint?: number;
}

/** The log never grows past this many bytes before the snapshot is rewritten, unless the snapshot is larger. */
const COMPACT_MIN_BYTES = 1 << 20;

export const logFileOf = (file: string): string => `${file}.log`;

/** The world saved in `file` and its log, and the number of the last change it holds. */
export function readWorld(file: string): { value: unknown; seq: number } {
  // A reader in another process may meet a compaction halfway: if the snapshot changed while the log was read,
  // read both again.
  for (;;) {
    const before = identity(file);
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Records & { logSeq?: number };
    const log = existsSync(logFileOf(file)) ? readFileSync(logFileOf(file), 'utf8') : '';
    if (identity(file) !== before) continue;
    let seq = typeof snapshot.logSeq === 'number' ? snapshot.logSeq : 0;
    delete snapshot.logSeq;
    for (const text of log.split('\n')) {
      if (text === '') continue;
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        break; // cut short by a kill: never acknowledged
      }
      if (line.seq <= seq) continue;
      apply(snapshot, line);
      seq = line.seq;
    }
    return { value: snapshot, seq };
  }
}

function identity(file: string): string {
  const s = statSync(file);
  return `${s.ino}:${s.mtimeMs}:${s.size}`;
}

function apply(state: Records, line: Line): void {
  for (const map of MAPS) {
    const target = state[map] as Records;
    for (const [key, value] of Object.entries(line.set?.[map] ?? {})) target[key] = value;
    for (const key of line.del?.[map] ?? []) delete target[key];
  }
  const history = state.history as HistoryEntry[];
  if (line.history?.replace) history.splice(0, history.length, ...line.history.replace);
  if (line.history?.drop) history.splice(0, line.history.drop);
  if (line.history?.add) history.push(...line.history.add);
  if (line.nextCheckpoint !== undefined) state.nextCheckpoint = line.nextCheckpoint;
}

export class WorldJournal {
  readonly #file: string;
  readonly #raw: WorldState;
  /** Keys of each map read or written since the last commit: the records that may have changed. */
  readonly #touched = Object.fromEntries(MAPS.map((m) => [m, new Set<string>()])) as Record<MapName, Set<string>>;
  /** The JSON of each record as the file holds it. */
  readonly #written = Object.fromEntries(MAPS.map((m) => [m, new Map<string, string>()])) as Record<
    MapName,
    Map<string, string>
  >;
  #historyCount = 0;
  #historyLast: HistoryEntry | undefined;
  #nextCheckpoint: number;
  #seq: number;
  #fd: number | null = null;
  #logBytes = 0;
  #snapshotBytes = 0;
  #needsSnapshot: boolean;

  /** `seq`: the last change the file holds (from readWorld), or null for a world not read from the file. */
  constructor(file: string, state: WorldState, seq: number | null) {
    this.#file = file;
    this.#raw = state;
    this.#seq = seq ?? 0;
    this.#nextCheckpoint = state.nextCheckpoint;
    this.#needsSnapshot = true;
    if (seq !== null) {
      // What was read is what the file holds: remember it, and start a fresh snapshot on the first change.
      for (const map of MAPS)
        for (const [key, value] of Object.entries(state[map])) this.#written[map].set(key, JSON.stringify(value));
      this.#historyCount = state.history.length;
      this.#historyLast = state.history.at(-1);
    }
  }

  /** The state the world works on: its maps note every key read or written (a read may be followed by a change). */
  tracked(): WorldState {
    const proxies = Object.fromEntries(MAPS.map((map) => [map, this.#track(map, this.#raw[map] as Records)]));
    return new Proxy(this.#raw, {
      get: (target, key, receiver) =>
        typeof key === 'string' && key in proxies ? proxies[key] : Reflect.get(target, key, receiver),
    });
  }

  #track(map: MapName, records: Records): Records {
    const touched = this.#touched[map];
    return new Proxy(records, {
      get(target, key, receiver) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.get(target, key, receiver);
      },
      set(target, key, value, receiver) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.set(target, key, value, receiver);
      },
      deleteProperty(target, key) {
        if (typeof key === 'string') touched.add(key);
        return Reflect.deleteProperty(target, key);
      },
    });
  }

  /** Writes what changed since the last commit, durably, before returning. */
  commit(): void {
    if (this.#needsSnapshot) {
      this.#snapshot();
      return;
    }
    const line = this.#changes();
    if (line === null) return;
    const text = `${JSON.stringify(line)}\n`;
    try {
      this.#fd ??= openSync(logFileOf(this.#file), 'a');
      writeSync(this.#fd, text);
      fdatasyncSync(this.#fd);
    } catch (error) {
      // The change is in memory but maybe not on disk (out of file descriptors, disk full): the next commit writes
      // the whole world, so nothing is lost for good, and the caller hears of this one.
      this.#needsSnapshot = true;
      throw error;
    }
    this.#logBytes += Buffer.byteLength(text);
    if (this.#logBytes > Math.max(COMPACT_MIN_BYTES, this.#snapshotBytes)) this.#snapshot();
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #changes(): Line | null {
    const set: Partial<Record<MapName, Records>> = {};
    const del: Partial<Record<MapName, string[]>> = {};
    let changed = false;
    for (const map of MAPS) {
      const records = this.#raw[map] as Records;
      const written = this.#written[map];
      for (const key of this.#touched[map]) {
        if (Object.hasOwn(records, key)) {
          const json = JSON.stringify(records[key]);
          if (written.get(key) === json) continue;
          written.set(key, json);
          set[map] ??= {};
          set[map][key] = records[key];
        } else {
          if (!written.delete(key)) continue;
          del[map] ??= [];
          del[map].push(key);
        }
        changed = true;
      }
      this.#touched[map].clear();
    }
    const history = this.#historyChange();
    const nextCheckpoint = this.#raw.nextCheckpoint !== this.#nextCheckpoint ? this.#raw.nextCheckpoint : undefined;
    this.#nextCheckpoint = this.#raw.nextCheckpoint;
    if (!changed && history === undefined && nextCheckpoint === undefined) return null;
    return {
      seq: ++this.#seq,
      ...(Object.keys(set).length > 0 ? { set } : {}),
      ...(Object.keys(del).length > 0 ? { del } : {}),
      ...(history !== undefined ? { history } : {}),
      ...(nextCheckpoint !== undefined ? { nextCheckpoint } : {}),
    };
  }

  /** The history only grows at its end and is pruned from its front. */
  #historyChange(): Line['history'] {
    const history = this.#raw.history;
    const count = this.#historyCount;
    const last = this.#historyLast;
    let change: Line['history'];
    if (count === 0 || history[count - 1] === last) {
      if (history.length > count) change = { add: history.slice(count) };
      else if (history.length < count) change = { replace: [...history] };
    } else {
      const at = last === undefined ? -1 : history.lastIndexOf(last);
      change = at < 0 ? { replace: [...history] } : { drop: count - 1 - at, add: history.slice(at + 1) };
    }
    this.#historyCount = history.length;
    this.#historyLast = history.at(-1);
    return change;
  }

  #snapshot(): void {
    for (const map of MAPS) {
      this.#touched[map].clear();
      this.#written[map].clear();
      for (const [key, value] of Object.entries(this.#raw[map])) this.#written[map].set(key, JSON.stringify(value));
    }
    this.#historyCount = this.#raw.history.length;
    this.#historyLast = this.#raw.history.at(-1);
    this.#nextCheckpoint = this.#raw.nextCheckpoint;
    const text = JSON.stringify({ ...this.#raw, logSeq: this.#seq });
    writeAtomically(this.#file, text);
    this.#snapshotBytes = Buffer.byteLength(text);
    this.#fd ??= openSync(logFileOf(this.#file), 'a');
    ftruncateSync(this.#fd, 0);
    fdatasyncSync(this.#fd);
    this.#logBytes = 0;
    this.#needsSnapshot = false;
  }
}
