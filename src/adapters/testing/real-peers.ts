// Tests against real peers (ipmi_sim, virsh) run only where the Debian packages are installed; elsewhere they say why.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { requiredPeer } from '../../testing/required-peers.js';

/** The executable's full path on PATH, or null. */
export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * True when every command is installed; otherwise prints one line naming what is missing and how to install it
 * (and, in CI, fails: see requiredPeer).
 */
export function peersInstalled(suite: string, commands: readonly string[], packages: string): boolean {
  const missing = commands.filter((c) => findOnPath(c) === null);
  if (missing.length === 0) return true;
  requiredPeer(suite, `${missing.join(', ')} not installed (apt-get install -y ${packages})`);
  return false;
}
