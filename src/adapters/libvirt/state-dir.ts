// The libvirt driver's files on storage every host reaches: save images, what each capture saved, and domain definitions.
//
// Layout under the directory (the same path on every host and on the controller):
//   saves/<workload>.<time>.sav    what `virsh save` wrote; `virsh restore` on any host reads it
//   captures/<workload>.json       the capture not yet restored: its blade, sequence and save image
//   definitions/<workload>.xml     the domain's definition, so a failover from a dead host can cold-boot it
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const captureSchema = z.object({
  workload: z.string(),
  blade: z.string(),
  sequence: z.number().int().min(0),
  file: z.string(),
  takenAt: z.number(),
});

export type CaptureRecord = z.infer<typeof captureSchema>;

/** What Checkpoint.data holds for a libvirt capture. */
const checkpointDataSchema = z.object({ file: z.string(), sequence: z.number().int().min(0) });

export type CheckpointData = z.infer<typeof checkpointDataSchema>;

export function formatCheckpointData(data: CheckpointData): string {
  return JSON.stringify({ file: data.file, sequence: data.sequence });
}

/** null when `data` is not what this driver wrote. */
export function parseCheckpointData(data: string): CheckpointData | null {
  try {
    const parsed = checkpointDataSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class StateDir {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async prepare(): Promise<void> {
    for (const sub of ['saves', 'captures', 'definitions']) await mkdir(join(this.root, sub), { recursive: true });
  }

  /** A fresh save image path; the time keeps a retried capture from overwriting an image still referenced. */
  saveFile(workload: string, now: number): string {
    return join(this.root, 'saves', `${fileName(workload)}.${now}.sav`);
  }

  /** Whether `file` is a save image of this directory (a checkpoint must not point anywhere else). */
  holdsSave(file: string): boolean {
    return resolve(file).startsWith(`${join(this.root, 'saves')}/`) && existsSync(file);
  }

  async capture(workload: string): Promise<CaptureRecord | null> {
    let text: string;
    try {
      text = await readFile(this.#capturePath(workload), 'utf8');
    } catch {
      return null;
    }
    const parsed = captureSchema.safeParse(JSON.parse(text));
    return parsed.success && parsed.data.workload === workload ? parsed.data : null;
  }

  async writeCapture(record: CaptureRecord): Promise<void> {
    await atomicWrite(this.#capturePath(record.workload), JSON.stringify(record));
  }

  /** After a restore: the capture is spent, and so is its image (they are as large as the VM's memory). */
  async spendCapture(record: CaptureRecord): Promise<void> {
    await rm(this.#capturePath(record.workload), { force: true });
    await rm(record.file, { force: true });
  }

  definitionPath(workload: string): string {
    return join(this.root, 'definitions', `${fileName(workload)}.xml`);
  }

  hasDefinition(workload: string): boolean {
    return existsSync(this.definitionPath(workload));
  }

  async writeDefinition(workload: string, xml: string): Promise<void> {
    await atomicWrite(this.definitionPath(workload), xml);
  }

  #capturePath(workload: string): string {
    return join(this.root, 'captures', `${fileName(workload)}.json`);
  }
}

/** Any domain name becomes one safe file name. */
function fileName(workload: string): string {
  return encodeURIComponent(workload).replaceAll('.', '%2E');
}

async function atomicWrite(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, path);
}
