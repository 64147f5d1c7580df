// The virsh session against the real virsh (libvirt's test driver), and against stand-ins that hang or die.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peersInstalled } from '../testing/real-peers.js';
import { LibvirtError } from './libvirt-error.js';
import { writeTestHosts, type TestHosts } from './testing/test-hosts.js';
import { quote, VirshSession } from './virsh-session.js';

const installed = peersInstalled('virsh session', ['virsh'], 'libvirt-clients');

async function failure(promise: Promise<unknown>): Promise<LibvirtError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LibvirtError);
    return error as LibvirtError;
  }
  throw new Error('expected a rejection');
}

describe('quote', () => {
  it("closes, escapes and reopens a single quote, virsh's way", () => {
    expect(quote("a'b")).toBe("'a'\\''b'");
  });
});

describe.skipIf(!installed)('VirshSession against virsh', () => {
  // Made in beforeAll, not here: a skipped suite still runs this body to list its tests.
  let files: TestHosts | null = null;
  let uri = '';
  let scratch = '';
  beforeAll(() => {
    files = writeTestHosts([{ blade: 'A', domains: [{ name: 'W1', memoryGiB: 2, vcpus: 1 }] }]);
    uri = files.hosts[0]!.uri;
    scratch = mkdtempSync(join(tmpdir(), 'cascade-virsh-'));
  });
  afterAll(() => {
    files?.cleanup();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps state across commands in one process, and hands back only what each command printed', async () => {
    const session = new VirshSession(uri);
    expect(await session.run(['domstate', 'W1'])).toBe('running');
    await session.run(['suspend', 'W1']);
    expect(await session.run(['domstate', 'W1'])).toBe('paused');
    await session.close();
    // A new process is a new connection: the test driver starts from its file again.
    const again = new VirshSession(uri);
    expect(await again.run(['domstate', 'W1'])).toBe('running');
    await again.close();
  });

  it('passes arguments through untouched: quotes, spaces, $, backslashes', async () => {
    const session = new VirshSession(uri);
    // One word longer than a terminal line: readline echoes such lines differently depending on TERM.
    const words = ["it's", 'two words', '$HOME', 'back\\slash', '"double"', '; domstate W1', 'x'.repeat(300)];
    expect(await session.run(['echo', ...words])).toBe(words.join(' '));
    await session.close();
  });

  it("turns virsh's error lines into coded errors, and goes on", async () => {
    const session = new VirshSession(uri);
    const missing = await failure(session.run(['dominfo', 'no-such-domain']));
    expect(missing.code).toBe('no-domain');
    expect(missing.message).toContain('no-such-domain');
    expect((await failure(session.run(['no-such-command']))).code).toBe('command-failed');
    expect((await failure(session.run(['domstate', 'W1\nquit']))).code).toBe('bad-argument');
    expect(await session.run(['domstate', 'W1'])).toBe('running');
    await session.close();
  });

  it('reports a connection virsh cannot open as unreachable, with its reason', async () => {
    const session = new VirshSession(`test://${join(scratch, 'missing.xml')}`);
    const error = await failure(session.run(['list']));
    expect(error.code).toBe('unreachable');
    expect(error.message).toContain('failed to connect');
  });

  it('times out a hung virsh, and starts a new process for the next command', async () => {
    const hung = join(scratch, 'hung-virsh');
    writeFileSync(hung, '#!/bin/sh\nexec cat > /dev/null\n');
    chmodSync(hung, 0o755);
    const session = new VirshSession(uri, { virsh: hung, timeoutMs: 300 });
    expect((await failure(session.run(['list']))).code).toBe('timeout');
    expect((await failure(session.run(['list']))).code).toBe('timeout');
    await session.close();
  });

  it('reports a virsh that dies, and one that is not installed', async () => {
    const dies = join(scratch, 'dying-virsh');
    writeFileSync(dies, '#!/bin/sh\nexit 3\n');
    chmodSync(dies, 0o755);
    expect((await failure(new VirshSession(uri, { virsh: dies }).run(['list']))).code).toBe('session-died');
    const none = await failure(new VirshSession(uri, { virsh: join(scratch, 'no-virsh-here') }).run(['list']));
    expect(none.code).toBe('not-installed');
    expect(none.message).toContain('libvirt-clients');
  });
});
