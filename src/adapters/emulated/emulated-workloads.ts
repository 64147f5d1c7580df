// WorkloadPort over the emulator's hypervisor API: each workload is a task on its blade whose sequence advances;
// capture, restore, live migration and resume keep the guarantees of the fake world behind it.
import { z } from 'zod';
import type {
  Checkpoint,
  DeclaredRequirements,
  ObservedWorkload,
  UtilizationSample,
  WorkloadLiveness,
  WorkloadPort,
} from '../../ports/workloads.js';
import { EmulatorClient, EmulatorError, type EmulatorEndpoint } from './emulator-client.js';

const checkpoint = z.object({ workload: z.string(), blade: z.string(), sequence: z.number(), data: z.string() });
const observed = z.object({
  state: z.enum(['running', 'stopped']),
  blade: z.string().nullable(),
  sequence: z.number(),
});
const resources = z.record(z.string(), z.union([z.number(), z.string()]));
const declared = z.object({
  declared: z.object({ requirements: resources, source: z.enum(['declared', 'vm-metadata']) }).nullable(),
});
const samples = z.object({ samples: z.array(z.record(z.string(), z.number())) });
const liveness = z.object({ alive: z.boolean(), blade: z.string().nullable(), reason: z.string() });
const migration = z.object({ canMigrate: z.boolean() });
const listing = z.object({
  workloads: z.array(
    z.object({
      id: z.string(),
      state: z.enum(['running', 'stopped']),
      blade: z.string().nullable(),
      sequence: z.number(),
    }),
  ),
});

export type WorkloadListing = z.infer<typeof listing>['workloads'];

export class EmulatedWorkloads implements WorkloadPort {
  readonly #client: EmulatorClient;

  constructor(endpoint: EmulatorEndpoint) {
    this.#client = new EmulatorClient(endpoint);
  }

  /** Every workload the hypervisor knows, where it runs: what a first start adopts. Not part of the port. */
  async list(): Promise<WorkloadListing> {
    return this.#read(
      listing,
      await this.#client.call('GET', '/workloads', undefined, 'workload list'),
      'workload list',
    ).workloads;
  }

  async declared(workload: string): Promise<DeclaredRequirements | null> {
    return this.#read(
      declared,
      await this.#client.call('GET', `${this.#path(workload)}/declared`, undefined, `workload ${workload}`),
      workload,
    ).declared;
  }

  async samples(workload: string): Promise<UtilizationSample[]> {
    try {
      return this.#read(
        samples,
        await this.#client.call('GET', `${this.#path(workload)}/samples`, undefined, `workload ${workload}`),
        workload,
      ).samples;
    } catch (error) {
      // The fake port answers an unknown workload with no samples; so does this one.
      if (error instanceof EmulatorError && error.code === 'unknown-workload') return [];
      throw error;
    }
  }

  async status(workload: string): Promise<ObservedWorkload> {
    return this.#read(
      observed,
      await this.#client.call('GET', this.#path(workload), undefined, `workload ${workload}`),
      workload,
    );
  }

  async liveness(workload: string): Promise<WorkloadLiveness> {
    try {
      return this.#read(
        liveness,
        await this.#client.call('GET', `${this.#path(workload)}/liveness`, undefined, `liveness of ${workload}`),
        workload,
      );
    } catch (error) {
      // No answer because this process is short of descriptors is no news of the workload: the caller decides.
      if (error instanceof EmulatorError && error.code === 'local-resource') throw error;
      return {
        alive: false,
        blade: null,
        reason: `hypervisor heartbeat of ${workload}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async checkpoint(workload: string, blade: string): Promise<Checkpoint> {
    const reply = await this.#client.call(
      'POST',
      `${this.#path(workload)}/checkpoint`,
      { blade },
      `checkpoint ${workload} on blade ${blade}`,
    );
    return this.#read(checkpoint, reply, workload);
  }

  async capture(workload: string, blade: string): Promise<Checkpoint> {
    const reply = await this.#client.call(
      'POST',
      `${this.#path(workload)}/capture`,
      { blade },
      `capture ${workload} on blade ${blade}`,
    );
    return this.#read(checkpoint, reply, workload);
  }

  async restore(workload: string, blade: string, from: Checkpoint): Promise<void> {
    const body = {
      blade,
      checkpoint: { workload: from.workload, blade: from.blade, sequence: from.sequence, data: from.data },
    };
    await this.#client.call('POST', `${this.#path(workload)}/restore`, body, `restore ${workload} on blade ${blade}`);
  }

  async canMigrate(workload: string, from: string, to: string): Promise<boolean> {
    const query = `?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    return this.#read(
      migration,
      await this.#client.call(
        'GET',
        `${this.#path(workload)}/migration${query}`,
        undefined,
        `migration of ${workload} ${from} -> ${to}`,
      ),
      workload,
    ).canMigrate;
  }

  async migrate(workload: string, from: string, to: string): Promise<void> {
    await this.#client.call(
      'POST',
      `${this.#path(workload)}/migrate`,
      { from, to },
      `migrate ${workload} from blade ${from} to blade ${to}`,
    );
  }

  async resume(workload: string, blade: string): Promise<void> {
    await this.#client.call(
      'POST',
      `${this.#path(workload)}/resume`,
      { blade },
      `resume ${workload} on blade ${blade}`,
    );
  }

  #path(workload: string): string {
    return `/workloads/${encodeURIComponent(workload)}`;
  }

  #read<S extends z.ZodType>(schema: S, value: unknown, about: string): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw new EmulatorError(
      'bad-reply',
      `workload ${about}: emulator reply: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unexpected'}`,
    );
  }
}
