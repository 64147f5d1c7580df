// The fencing levels a Redfish service offers besides a blade's own BMC: the enclosure manager (`#Chassis.Reset` of the
// blade's chassis, confirmed by its PowerState), a switched PDU (`#Outlet.PowerControl`, confirmed by the outlet's
// PowerState) and a SAN (the blade's initiator endpoint taken out of every boot volume's Connection, confirmed by
// reading the connections back). Errors name the device and the address.
import { UnknownFenceAddress, type FenceDevice, type FenceLevel, type FenceReading } from '../../ports/fencing.js';
import { RedfishError } from '../redfish/redfish-error.js';
import type { Json, RedfishClient } from '../redfish/redfish-client.js';

const ROOT = '/redfish/v1';

/** Runs a call of the device, its error renamed to say which device and address it was about. */
async function about<T>(device: string, address: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = `${device}: ${address}: ${error instanceof Error ? error.message : String(error)}`;
    const unknown = (error instanceof RedfishError && error.status === 404) || error instanceof UnknownFenceAddress;
    throw unknown ? new UnknownFenceAddress(message) : new Error(message);
  }
}

abstract class RedfishFence implements FenceDevice {
  abstract readonly level: FenceLevel;
  constructor(
    readonly name: string,
    protected readonly client: RedfishClient,
  ) {}
  abstract read(address: string): Promise<FenceReading>;
  abstract fence(address: string): Promise<string>;
}

/** Address: the blade's chassis id in the enclosure manager (the emulator's `Blade-A`). */
export class RedfishEnclosureFence extends RedfishFence {
  readonly level = 'enclosure' as const;

  read(chassis: string): Promise<FenceReading> {
    return about(this.name, chassis, async () => {
      const body = await this.client.get(`${ROOT}/Chassis/${encodeURIComponent(chassis)}`);
      const power = typeof body['PowerState'] === 'string' ? body['PowerState'] : 'absent';
      return { fenced: power === 'Off', shows: `Chassis ${chassis} PowerState ${power}` };
    });
  }

  fence(chassis: string): Promise<string> {
    return about(this.name, chassis, async () => {
      const path = `${ROOT}/Chassis/${encodeURIComponent(chassis)}`;
      const body = await this.client.get(path);
      const action = (body['Actions'] as Json | undefined)?.['#Chassis.Reset'] as Json | undefined;
      const target = typeof action?.['target'] === 'string' ? action['target'] : `${path}/Actions/Chassis.Reset`;
      const reply = await this.client.request('POST', target, { ResetType: 'ForceOff' });
      return `Chassis.Reset ForceOff answered ${reply.status}`;
    });
  }
}

/** Address: `PDU/OUTLET`, the ids under PowerEquipment/RackPDUs. */
export class RedfishPduFence extends RedfishFence {
  readonly level = 'pdu' as const;

  #path(address: string): string {
    const [pdu, outlet, ...rest] = address.split('/');
    if (!pdu || !outlet || rest.length > 0) throw new UnknownFenceAddress(`expected PDU/OUTLET, e.g. pdu-a/3`);
    return `${ROOT}/PowerEquipment/RackPDUs/${encodeURIComponent(pdu)}/Outlets/${encodeURIComponent(outlet)}`;
  }

  read(address: string): Promise<FenceReading> {
    return about(this.name, address, async () => {
      const body = await this.client.get(this.#path(address));
      const power = typeof body['PowerState'] === 'string' ? body['PowerState'] : 'absent';
      return { fenced: power === 'Off', shows: `outlet ${address} PowerState ${power}` };
    });
  }

  fence(address: string): Promise<string> {
    return about(this.name, address, async () => {
      const path = this.#path(address);
      const body = await this.client.get(path);
      const action = (body['Actions'] as Json | undefined)?.['#Outlet.PowerControl'] as Json | undefined;
      const target = typeof action?.['target'] === 'string' ? action['target'] : `${path}/Actions/Outlet.PowerControl`;
      const reply = await this.client.request('POST', target, { PowerState: 'Off' });
      return `Outlet.PowerControl Off answered ${reply.status}`;
    });
  }
}

/** Address: the blade's initiator IQN, as a Fabrics/SAN Endpoint's iQN identifier. */
export class RedfishSanFence extends RedfishFence {
  readonly level = 'storage' as const;
  readonly #endpoints = new Map<string, string>();

  /** The endpoint whose identifier is the IQN; looked up once, then kept (a SAN's endpoints rarely change). */
  async #endpoint(iqn: string): Promise<string> {
    const known = this.#endpoints.get(iqn);
    if (known) return known;
    const list = await this.client.get(`${ROOT}/Fabrics/SAN/Endpoints`);
    for (const member of members(list)) {
      const body = await this.client.get(member);
      const ids = Array.isArray(body['Identifiers']) ? (body['Identifiers'] as Json[]) : [];
      if (ids.some((i) => i['DurableName'] === iqn)) {
        this.#endpoints.set(iqn, member);
        return member;
      }
    }
    throw new UnknownFenceAddress(`no SAN endpoint has the initiator name ${iqn}`);
  }

  /** Every connection that presents a volume to the endpoint, with the initiators it lists. */
  async #bound(endpoint: string): Promise<{ path: string; initiators: string[] }[]> {
    const list = await this.client.get(`${ROOT}/Fabrics/SAN/Connections`);
    const bound: { path: string; initiators: string[] }[] = [];
    for (const member of members(list)) {
      const body = await this.client.get(member);
      const initiators = members({
        Members: ((body['Links'] as Json | undefined)?.['InitiatorEndpoints'] ?? []) as unknown,
      });
      if (initiators.includes(endpoint)) bound.push({ path: member, initiators });
    }
    return bound;
  }

  read(iqn: string): Promise<FenceReading> {
    return about(this.name, iqn, async () => {
      const bound = await this.#bound(await this.#endpoint(iqn));
      const names = bound.map((b) => b.path.split('/').pop() ?? b.path);
      return {
        fenced: bound.length === 0,
        shows: bound.length === 0 ? `${iqn} in no connection` : `${iqn} bound to ${names.join(', ')}`,
      };
    });
  }

  fence(iqn: string): Promise<string> {
    return about(this.name, iqn, async () => {
      const endpoint = await this.#endpoint(iqn);
      const bound = await this.#bound(endpoint);
      for (const b of bound) {
        const kept = b.initiators.filter((i) => i !== endpoint).map((i) => ({ '@odata.id': i }));
        await this.client.request('PATCH', b.path, { Links: { InitiatorEndpoints: kept } });
      }
      return bound.length === 0 ? `${iqn} was in no connection` : `unbound from ${bound.length} connection(s)`;
    });
  }
}

function members(body: Json): string[] {
  const list = Array.isArray(body['Members']) ? (body['Members'] as unknown[]) : [];
  return list.flatMap((m) => {
    const id = (m as Json | null)?.['@odata.id'];
    return typeof id === 'string' ? [id] : [];
  });
}
