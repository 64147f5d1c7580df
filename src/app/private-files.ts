// The data directory holds API token hashes, the emulator's control token and the store: owner only.
import { chmod, mkdir } from 'node:fs/promises';

/** Files a process creates from now on are readable by their owner alone (SQLite's WAL and SHM included). */
export function ownerOnlyFiles(): void {
  process.umask(0o077);
}

/** Creates the directory 0700, and narrows an existing one: a directory made 0755 earlier still exposes its files. */
export async function privateDirectory(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}
