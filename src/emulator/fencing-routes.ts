// The emulated data center's independent fencing devices over Redfish: the enclosure manager's Chassis.Reset of a
// blade's bay, a switched PDU per enclosure (PowerDistribution outlets, one per slot), and the SAN's connections
// (which initiator each workload's boot volume is presented to). They answer when a blade's own BMC does not.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FakeBladeView, FakeWorld } from '../adapters/fake/index.js';
import type { FenceDeviceLevel, FenceFaults } from './fence-faults.js';
import { bladeChassisId, collection, redfishError, ROOT, type Json } from './redfish-view.js';

export const RACK_PDUS = `${ROOT}/PowerEquipment/RackPDUs`;
export const SAN = `${ROOT}/Fabrics/SAN`;

/** The emulated SAN's name for a blade's initiator. */
export const initiatorOf = (blade: string): string => `iqn.2026-12.io.cascade.emulator:${blade.toLowerCase()}`;

const resetBody = z.object({ ResetType: z.string() });
const outletBody = z.object({ PowerState: z.enum(['On', 'Off']) });
const connectionBody = z.object({
  Links: z.object({ InitiatorEndpoints: z.array(z.object({ '@odata.id': z.string() })) }),
});

const ref = (path: string): Json => ({ '@odata.id': path });
const endpointPath = (blade: string): string => `${SAN}/Endpoints/${encodeURIComponent(blade)}`;

export function fencingRoutes(app: FastifyInstance, world: FakeWorld, faults: FenceFaults): void {
  const bladeOfChassis = (id: string): FakeBladeView | undefined =>
    id.startsWith('Blade-') ? world.blade(id.slice('Blade-'.length)) : undefined;
  const bladeInSlot = (pdu: string, outlet: string): FakeBladeView | undefined => {
    const slot = Number(outlet);
    const id = Number.isInteger(slot) ? world.bladeAt({ chassis: pdu, slot }) : undefined;
    return id === undefined ? undefined : world.blade(id);
  };
  /** True when the device answers for this blade; otherwise the reply is sent (503: the device does not answer). */
  const answers = (level: FenceDeviceLevel, blade: string, reply: FastifyReply): boolean => {
    if (faults.of(level, blade) !== 'unreachable') return true;
    void reply
      .code(503)
      .send(redfishError('ServiceTemporarilyUnavailable', `The ${level} device does not answer for ${blade}.`));
    return false;
  };

  // The enclosure manager also answers reads of the blade's chassis: an unreachable one answers none of them.
  app.addHook('onRequest', async (request, reply) => {
    const match = /^\/redfish\/v1\/Chassis\/([^/?]+)/.exec(request.url);
    const blade = match?.[1] ? bladeOfChassis(decodeURIComponent(match[1])) : undefined;
    if (blade && !answers('enclosure', blade.id, reply)) return reply;
  });

  // --- the enclosure manager: the bay's power, whatever the blade's BMC does ---
  app.post<{ Params: { id: string } }>(`${ROOT}/Chassis/:id/Actions/Chassis.Reset`, async (request, reply) => {
    const blade = bladeOfChassis(request.params.id);
    if (!blade) return notFound(reply, request);
    const body = resetBody.safeParse(request.body);
    if (!body.success)
      return reply
        .code(400)
        .send(redfishError('ActionParameterMissing', 'The action Chassis.Reset requires the parameter ResetType.'));
    const type = body.data.ResetType;
    if (type !== 'ForceOff' && type !== 'On') {
      return reply
        .code(400)
        .send(
          redfishError(
            'ActionParameterNotSupported',
            `The parameter ResetType has the value ${JSON.stringify(type)}, not one of ForceOff, On.`,
          ),
        );
    }
    if (faults.of('enclosure', blade.id) !== 'ignore') world.requestPower(blade.id, type === 'On' ? 'on' : 'off');
    return reply.code(204).send();
  });

  // --- one switched PDU per enclosure, one outlet per slot ---
  const pdus = (): string[] =>
    [...new Set(world.bladeIds().flatMap((id) => world.blade(id)?.location?.chassis ?? []))].sort();
  app.get(`${ROOT}/PowerEquipment`, async () => ({
    '@odata.id': `${ROOT}/PowerEquipment`,
    '@odata.type': '#PowerEquipment.v1_2_1.PowerEquipment',
    Id: 'PowerEquipment',
    Name: 'Power equipment',
    RackPDUs: ref(RACK_PDUS),
  }));
  app.get(RACK_PDUS, async () =>
    collection(
      RACK_PDUS,
      'PowerDistribution',
      'Rack PDUs',
      pdus().map((p) => `${RACK_PDUS}/${encodeURIComponent(p)}`),
    ),
  );
  app.get<{ Params: { pdu: string } }>(`${RACK_PDUS}/:pdu`, async (request, reply) => {
    const pdu = request.params.pdu;
    if (!pdus().includes(pdu)) return notFound(reply, request);
    const path = `${RACK_PDUS}/${encodeURIComponent(pdu)}`;
    return {
      '@odata.id': path,
      '@odata.type': '#PowerDistribution.v1_3_1.PowerDistribution',
      Id: pdu,
      Name: `PDU of ${pdu}`,
      EquipmentType: 'RackPDU',
      Outlets: ref(`${path}/Outlets`),
    };
  });
  const slotsOf = (pdu: string): number[] =>
    world
      .bladeIds()
      .flatMap((id) => (world.blade(id)?.location?.chassis === pdu ? [world.blade(id)!.location!.slot] : []))
      .sort((a, b) => a - b);
  app.get<{ Params: { pdu: string } }>(`${RACK_PDUS}/:pdu/Outlets`, async (request, reply) => {
    const pdu = request.params.pdu;
    if (!pdus().includes(pdu)) return notFound(reply, request);
    const path = `${RACK_PDUS}/${encodeURIComponent(pdu)}/Outlets`;
    return collection(
      path,
      'Outlet',
      'Outlets',
      slotsOf(pdu).map((s) => `${path}/${s}`),
    );
  });
  type OutletRequest = FastifyRequest<{ Params: { pdu: string; outlet: string } }>;
  app.get(`${RACK_PDUS}/:pdu/Outlets/:outlet`, async (request: OutletRequest, reply) => {
    const blade = bladeInSlot(request.params.pdu, request.params.outlet);
    if (!blade) return notFound(reply, request);
    if (!answers('pdu', blade.id, reply)) return reply;
    const path = `${RACK_PDUS}/${encodeURIComponent(request.params.pdu)}/Outlets/${request.params.outlet}`;
    return {
      '@odata.id': path,
      '@odata.type': '#Outlet.v1_4_3.Outlet',
      Id: request.params.outlet,
      Name: `Outlet ${request.params.outlet}`,
      PowerState: blade.outletOff ? 'Off' : 'On',
      Links: { BranchCircuit: ref(`${RACK_PDUS}/${encodeURIComponent(request.params.pdu)}`) },
      Actions: {
        '#Outlet.PowerControl': {
          target: `${path}/Actions/Outlet.PowerControl`,
          'PowerState@Redfish.AllowableValues': ['On', 'Off'],
        },
      },
    };
  });
  app.post(`${RACK_PDUS}/:pdu/Outlets/:outlet/Actions/Outlet.PowerControl`, async (request: OutletRequest, reply) => {
    const blade = bladeInSlot(request.params.pdu, request.params.outlet);
    if (!blade) return notFound(reply, request);
    if (!answers('pdu', blade.id, reply)) return reply;
    const body = outletBody.safeParse(request.body);
    if (!body.success)
      return reply
        .code(400)
        .send(redfishError('ActionParameterMissing', 'The action Outlet.PowerControl requires PowerState On or Off.'));
    if (faults.of('pdu', blade.id) !== 'ignore')
      world.setOutlet(blade.id, body.data.PowerState === 'On' ? 'on' : 'off');
    return reply.code(204).send();
  });

  // --- the SAN: an endpoint per blade's initiator, a connection per workload's boot volume ---
  app.get(`${SAN}/Endpoints`, async () =>
    collection(`${SAN}/Endpoints`, 'Endpoint', 'Endpoints', world.bladeIds().map(endpointPath)),
  );
  app.get<{ Params: { id: string } }>(`${SAN}/Endpoints/:id`, async (request, reply) => {
    const blade = world.blade(request.params.id);
    if (!blade) return notFound(reply, request);
    if (!answers('storage', blade.id, reply)) return reply;
    return {
      '@odata.id': endpointPath(blade.id),
      '@odata.type': '#Endpoint.v1_8_0.Endpoint',
      Id: blade.id,
      Name: `Initiator of ${blade.id}`,
      EntityRole: 'Initiator',
      Identifiers: [{ DurableName: initiatorOf(blade.id), DurableNameFormat: 'iQN' }],
      ConnectedEntities: [
        {
          EntityType: 'StorageInitiator',
          EntityLink: ref(`${ROOT}/Chassis/${encodeURIComponent(bladeChassisId(blade.id))}`),
        },
      ],
    };
  });
  app.get(`${SAN}/Connections`, async () =>
    collection(
      `${SAN}/Connections`,
      'Connection',
      'Connections',
      world.workloadIds().map((w) => `${SAN}/Connections/${encodeURIComponent(w)}`),
    ),
  );
  app.get<{ Params: { id: string } }>(`${SAN}/Connections/:id`, async (request, reply) => {
    const workload = request.params.id;
    if (!world.workload(workload)) return notFound(reply, request);
    const blade = world.attachedTo(workload);
    if (blade !== null && !answers('storage', blade, reply)) return reply;
    return {
      '@odata.id': `${SAN}/Connections/${encodeURIComponent(workload)}`,
      '@odata.type': '#Connection.v1_3_0.Connection',
      Id: workload,
      Name: `Boot volume of ${workload}`,
      ConnectionType: 'Storage',
      VolumeInfo: [
        {
          AccessCapabilities: ['Read', 'Write'],
          Volume: ref(`${ROOT}/Storage/SAN/Volumes/${encodeURIComponent(workload)}`),
        },
      ],
      Links: { InitiatorEndpoints: blade === null ? [] : [ref(endpointPath(blade))] },
    };
  });
  // Only unbinding: a boot volume is presented to a new blade by the storage API's attach, as the transfer's step does.
  app.patch<{ Params: { id: string } }>(`${SAN}/Connections/:id`, async (request, reply) => {
    const workload = request.params.id;
    if (!world.workload(workload)) return notFound(reply, request);
    const body = connectionBody.safeParse(request.body);
    if (!body.success)
      return reply.code(400).send(redfishError('PropertyMissing', 'Links.InitiatorEndpoints is required.'));
    const blade = world.attachedTo(workload);
    const kept = body.data.Links.InitiatorEndpoints.map((e) => e['@odata.id']);
    if (kept.some((path) => blade === null || path !== endpointPath(blade))) {
      return reply
        .code(400)
        .send(redfishError('PropertyValueNotInList', 'Only removing initiators is supported here.'));
    }
    if (blade !== null && kept.length === 0) {
      if (!answers('storage', blade, reply)) return reply;
      if (faults.of('storage', blade) !== 'ignore') world.revokeStorage(workload);
    }
    return reply.code(204).send();
  });
}

function notFound(reply: FastifyReply, request: FastifyRequest): FastifyReply {
  return reply
    .code(404)
    .send(redfishError('ResourceNotFound', `The resource at ${request.url.split('?')[0]} was not found.`));
}
