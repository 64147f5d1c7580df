// `virsh save` for libvirt's test driver, through a FIFO, so that virsh 9.0 does not wait forever for a save that ended.
//
// Why: virsh runs a save in a worker thread and waits for it in an event loop; when the save ends before the
// main thread enters that loop, the worker's "quit" is lost and virsh waits forever (Debian 12's virsh 9.0
// did so for about one save in four against the test driver, which saves in microseconds). The session
// would then have to be killed, and with it every domain the test driver holds in that connection. Writing
// the image into a FIFO that is opened for reading only after a pause keeps the worker's open() blocked until
// virsh's loop surely runs. A real hypervisor's save takes seconds: `LibvirtHost` saves straight to the file.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** `save` runs `virsh save DOMAIN PATH` in the host's session. */
export async function saveThroughFifo(
  save: (path: string) => Promise<unknown>,
  file: string,
  pauseMs = 250,
): Promise<void> {
  const fifo = `${file}.fifo`;
  await rm(fifo, { force: true });
  await run('mkfifo', ['-m', '600', fifo]);
  try {
    const settled = save(fifo).then(
      () => null,
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const reading = readFile(fifo);
    const failed = await settled;
    if (failed !== null) {
      await releaseReader(fifo);
      await reading.catch(() => undefined);
      throw failed;
    }
    await writeFile(file, await reading, { mode: 0o600 });
  } finally {
    await rm(fifo, { force: true });
  }
}

/** A save that failed before opening the FIFO leaves our reader blocked in open(): a writer that opens and closes ends it. */
async function releaseReader(fifo: string): Promise<void> {
  try {
    // Non-blocking: fails with ENXIO when the reader is already gone.
    const writer = await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    await writer.close();
  } catch {
    // no reader left
  }
}
