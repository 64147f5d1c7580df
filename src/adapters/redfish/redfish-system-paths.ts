// Where one Redfish service keeps its systems: the service root's paths (read once, again after a failure), each
// blade's System @odata.id and back, and the System itself read by blade id (a 404 forgets the blade).
import type { RedfishClient } from './redfish-client.js';
import { RedfishError } from './redfish-error.js';
import { lastSegment, members, parseAs, servicePaths, type ServicePaths } from './redfish-inventory.js';
import { systemSchema, type RedfishSystem } from './redfish-schemas.js';

const SYSTEMS = '/redfish/v1/Systems';

export class SystemPaths {
  /** blade id -> System @odata.id, and back. */
  readonly #paths = new Map<string, string>();
  readonly #blades = new Map<string, string>();
  #service: Promise<ServicePaths> | null = null;

  constructor(private readonly client: RedfishClient) {}

  knows(blade: string): boolean {
    return this.#paths.has(blade);
  }

  /** The blade an event's OriginOfCondition names, by its System path (or the path's last segment). */
  bladeOf(origin: string): string | null {
    return this.#blades.get(origin) ?? (origin.startsWith(`${SYSTEMS}/`) ? lastSegment(origin) : null);
  }

  async system(blade: string): Promise<RedfishSystem> {
    const path = await this.pathOf(blade);
    let body: Awaited<ReturnType<RedfishClient['get']>>;
    try {
      body = await this.client.get(path, { blade });
    } catch (error) {
      if (error instanceof RedfishError && error.status === 404) {
        this.forget(blade);
        throw new RedfishError(
          'unknown-blade',
          `blade ${blade}: its System ${path} is gone from ${this.client.name}`,
          blade,
          path,
          404,
        );
      }
      throw error;
    }
    return parseAs(systemSchema, body, path, this.client.name, { blade });
  }

  async pathOf(blade: string): Promise<string> {
    const known = this.#paths.get(blade);
    if (known) return known;
    // Not discovered yet (added since, or status asked before inventory): look in the Systems collection.
    for (const path of await members(this.client, (await this.servicePaths()).systems)) {
      if (lastSegment(path) === blade) {
        this.remember(blade, path);
        return path;
      }
    }
    throw new RedfishError('unknown-blade', `blade ${blade}: unknown to ${this.client.name}`, blade);
  }

  remember(blade: string, path: string): void {
    this.#paths.set(blade, path);
    this.#blades.set(path, blade);
  }

  forget(blade: string): void {
    const path = this.#paths.get(blade);
    this.#paths.delete(blade);
    if (path) this.#blades.delete(path);
  }

  servicePaths(): Promise<ServicePaths> {
    if (!this.#service) {
      const attempt = servicePaths(this.client);
      this.#service = attempt;
      attempt.catch(() => {
        if (this.#service === attempt) this.#service = null;
      });
    }
    return this.#service;
  }
}
