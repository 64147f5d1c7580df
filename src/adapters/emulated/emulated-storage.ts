// StoragePort over the emulator's SAN: a workload's boot LUN and identity are mapped to one blade at a time.
import type { StoragePort } from '../../ports/storage.js';
import { EmulatorClient, type EmulatorEndpoint } from './emulator-client.js';

export class EmulatedStorage implements StoragePort {
  readonly #client: EmulatorClient;

  constructor(endpoint: EmulatorEndpoint) {
    this.#client = new EmulatorClient(endpoint);
  }

  async attach(workload: string, blade: string): Promise<void> {
    await this.#client.call(
      'PUT',
      `/storage/${encodeURIComponent(workload)}`,
      { blade },
      `attach ${workload} to blade ${blade}`,
    );
  }

  async attachedTo(workload: string): Promise<string | null> {
    const reply = await this.#client.call<{ blade: string | null }>(
      'GET',
      `/storage/${encodeURIComponent(workload)}`,
      undefined,
      `storage of ${workload}`,
    );
    return reply?.blade ?? null;
  }
}
