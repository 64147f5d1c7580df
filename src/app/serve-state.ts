// data/serve.json: how the CLI finds a running `cascade serve` (its emulator's URL and control token). Readable by
// its owner only, since the token lets one inject faults; removed when serve stops.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

const stateSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  emulator: z.object({ url: z.string().url(), token: z.string().nullable() }).nullable(),
});
export type ServeState = z.infer<typeof stateSchema>;

export const stateFile = (dataDir: string): string => join(dataDir, 'serve.json');

export async function writeServeState(dataDir: string, state: ServeState): Promise<void> {
  await writeFile(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

/** The running serve's state, or a message saying why there is none to talk to. */
export async function readServeState(
  dataDir: string,
): Promise<{ ok: true; state: ServeState } | { ok: false; message: string }> {
  let text: string;
  try {
    text = await readFile(stateFile(dataDir), 'utf8');
  } catch {
    return {
      ok: false,
      message: `no running cascade serve found: ${stateFile(dataDir)} is missing (start one with "cascade serve", or pass its --data)`,
    };
  }
  try {
    const parsed = stateSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, state: parsed.data };
  } catch {
    // fall through
  }
  return { ok: false, message: `${stateFile(dataDir)}: not a serve state file` };
}

/** Removes the file if it is still ours (a second serve may have taken over the folder). */
export async function removeServeState(dataDir: string, pid: number): Promise<void> {
  const current = await readServeState(dataDir);
  if (current.ok && current.state.pid === pid) await rm(stateFile(dataDir), { force: true });
}
