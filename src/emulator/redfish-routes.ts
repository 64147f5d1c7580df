// The emulator's Redfish service: service root, sessions, Systems with the Reset action, Chassis, and the EventService.
// A blade whose link is cut (FakeWorld.setReachable) looks like a dead BMC behind the enclosure: its System and
// everything under it either never answer (hang) or drop the connection after the world's unreachable delay.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { FakeBladeView, FakeWorld } from '../adapters/fake/index.js';
import type { RedfishEventStream } from './event-stream.js';
import { SUBSCRIPTIONS, type EventSubscriptions } from './event-subscriptions.js';
import type { ReplyFaults } from './reply-faults.js';
import type { ServiceFaults } from './service-faults.js';
import { routedPath } from './routed-path.js';
import {
  bladeChassis,
  bladeChassisId,
  collection,
  computerSystem,
  drive,
  enclosure,
  processor,
  processorIds,
  redfishError,
  RESET_TYPES,
  ROOT,
  serviceRoot,
  storage,
  storageIds,
  systemPath,
  type Json,
} from './redfish-view.js';
import { eventService, session, sessionService } from './redfish-service-view.js';
import type { SessionTable } from './sessions.js';

export interface RedfishServiceOptions {
  readonly world: FakeWorld;
  readonly sessions: SessionTable;
  readonly events: RedfishEventStream;
  readonly subscriptions: EventSubscriptions;
  readonly uuid: string;
  /** Slow or malformed replies of a blade's BMC (fault injection); none when absent. */
  readonly replies?: ReplyFaults;
  /** A whole-service outage and Status.State faults; none when absent. */
  readonly service?: ServiceFaults;
}

const PUBLIC = new Set(['/redfish', '/redfish/', ROOT, `${ROOT}/`]);
const loginBody = z.object({ UserName: z.string(), Password: z.string() });
const resetBody = z.object({ ResetType: z.string() });

export function redfishRoutes(app: FastifyInstance, o: RedfishServiceOptions): void {
  const { world, sessions } = o;

  app.addHook('onRequest', async (request, reply) => {
    const path = routedPath(request);
    if (!path.startsWith('/redfish')) return;
    if (o.service?.isDown()) {
      // The whole service is gone: the connection drops, as when the management controller reboots.
      reply.hijack();
      request.raw.socket.destroy();
      return;
    }
    reply.header('OData-Version', '4.0');
    if (PUBLIC.has(path)) return;
    if (request.method === 'POST' && path.replace(/\/$/, '') === `${ROOT}/SessionService/Sessions`) return;
    if (!sessions.authorized(request.headers)) {
      reply.header('WWW-Authenticate', 'Basic realm="Cascade emulator"');
      return reply
        .code(401)
        .send(redfishError('NoValidSession', 'There is no valid session established with the implementation.'));
    }
  });

  app.get('/redfish', async () => ({ v1: `${ROOT}/` }));
  app.get(ROOT, async () => serviceRoot(o.uuid));

  // --- sessions ---
  app.get(`${ROOT}/SessionService`, async () => sessionService(sessions.timeoutSeconds));
  app.get(`${ROOT}/SessionService/Sessions`, async () =>
    collection(
      `${ROOT}/SessionService/Sessions`,
      'Session',
      'Sessions',
      sessions.ids().map((id) => `${ROOT}/SessionService/Sessions/${id}`),
    ),
  );
  app.post(`${ROOT}/SessionService/Sessions`, async (request, reply) => {
    const body = loginBody.safeParse(request.body);
    if (!body.success)
      return reply.code(400).send(redfishError('PropertyMissing', 'UserName and Password are required.'));
    const created = sessions.login(body.data.UserName, body.data.Password);
    if (!created) return reply.code(401).send(redfishError('NoValidSession', 'Invalid user name or password.'));
    const location = `${ROOT}/SessionService/Sessions/${created.id}`;
    return reply
      .code(201)
      .header('X-Auth-Token', created.token)
      .header('Location', location)
      .send(session(created.id, created.user));
  });
  app.get<{ Params: { id: string } }>(`${ROOT}/SessionService/Sessions/:id`, async (request, reply) => {
    const user = sessions.user(request.params.id);
    return user === null ? notFound(reply, request.url) : session(request.params.id, user);
  });
  app.delete<{ Params: { id: string } }>(`${ROOT}/SessionService/Sessions/:id`, async (request, reply) =>
    sessions.logout(request.params.id) ? reply.code(204).send() : notFound(reply, request.url),
  );

  // --- systems: one per blade, answered by the blade's own BMC ---
  app.get(`${ROOT}/Systems`, async () =>
    collection(`${ROOT}/Systems`, 'ComputerSystem', 'Computer Systems', world.bladeIds().map(systemPath)),
  );
  type SystemRequest = FastifyRequest<{ Params: { id: string; sub?: string } }>;
  const onBlade =
    (
      handler: (
        blade: FakeBladeView,
        request: SystemRequest,
        reply: FastifyReply,
      ) => Json | FastifyReply | Promise<FastifyReply>,
    ) =>
    async (request: SystemRequest, reply: FastifyReply) => {
      const blade = world.blade(request.params.id);
      if (!blade) return notFound(reply, request.url);
      if (!(await answerLikeTheBmc(blade, world, request, reply))) return reply;
      if (o.replies && (await o.replies.apply(blade.id, reply))) return reply;
      return handler(blade, request, reply);
    };
  app.get(
    `${ROOT}/Systems/:id`,
    onBlade((blade) => (o.service ? o.service.patchSystem(blade.id, computerSystem(blade)) : computerSystem(blade))),
  );
  app.get(
    `${ROOT}/Systems/:id/Processors`,
    onBlade((blade) => {
      const path = `${systemPath(blade.id)}/Processors`;
      return collection(
        path,
        'Processor',
        'Processors',
        processorIds(blade).map((id) => `${path}/${id}`),
      );
    }),
  );
  app.get(
    `${ROOT}/Systems/:id/Processors/:sub`,
    onBlade((blade, request, reply) =>
      processorIds(blade).includes(request.params.sub ?? '')
        ? processor(blade, request.params.sub ?? '')
        : notFound(reply, request.url),
    ),
  );
  app.get(
    `${ROOT}/Systems/:id/Storage`,
    onBlade((blade) => {
      const path = `${systemPath(blade.id)}/Storage`;
      return collection(
        path,
        'Storage',
        'Storage',
        storageIds(blade).map((id) => `${path}/${id}`),
      );
    }),
  );
  app.get(
    `${ROOT}/Systems/:id/Storage/:sub`,
    onBlade((blade, request, reply) =>
      storageIds(blade).includes(request.params.sub ?? '') ? storage(blade) : notFound(reply, request.url),
    ),
  );
  app.get(
    `${ROOT}/Systems/:id/Storage/:sub/Drives/0`,
    onBlade((blade, request, reply) =>
      storageIds(blade).includes(request.params.sub ?? '') ? drive(blade) : notFound(reply, request.url),
    ),
  );
  app.post(
    `${ROOT}/Systems/:id/Actions/ComputerSystem.Reset`,
    onBlade((blade, request, reply) => {
      const body = resetBody.safeParse(request.body);
      if (!body.success)
        return reply
          .code(400)
          .send(
            redfishError('ActionParameterMissing', 'The action ComputerSystem.Reset requires the parameter ResetType.'),
          );
      const type = body.data.ResetType;
      if (type === 'On') world.requestPower(blade.id, 'on');
      else if (type === 'ForceOff' || type === 'GracefulShutdown') world.requestPower(blade.id, 'off');
      else if (type === 'ForceRestart') world.restartBlade(blade.id);
      else {
        const allowed = RESET_TYPES.join(', ');
        return reply
          .code(400)
          .send(
            redfishError(
              'ActionParameterNotSupported',
              `The parameter ResetType has the value ${JSON.stringify(type)}, not one of ${allowed}.`,
            ),
          );
      }
      // Accepted: the power changes after the blade's delay; clients confirm by reading PowerState.
      return reply.code(204).send();
    }),
  );

  // --- chassis: enclosures and the blades in their slots, answered by the enclosure manager ---
  // From the locations alone: a copy of every blade per enclosure read made discovery quadratic in the blades.
  const bladesByEnclosure = (): Map<string, string[]> => {
    const map = new Map<string, string[]>();
    for (const { id, location } of world.locations()) {
      const members = map.get(location.chassis);
      if (members) members.push(id);
      else map.set(location.chassis, [id]);
    }
    return map;
  };
  app.get(`${ROOT}/Chassis`, async () => {
    const enclosures = [...bladesByEnclosure().keys()].sort().map((c) => `${ROOT}/Chassis/${encodeURIComponent(c)}`);
    const blades = world.bladeIds().map((id) => `${ROOT}/Chassis/${encodeURIComponent(bladeChassisId(id))}`);
    return collection(`${ROOT}/Chassis`, 'Chassis', 'Chassis', [...enclosures, ...blades]);
  });
  app.get<{ Params: { id: string } }>(`${ROOT}/Chassis/:id`, async (request, reply) => {
    const id = request.params.id;
    if (id.startsWith('Blade-')) {
      const blade = world.blade(id.slice('Blade-'.length));
      if (blade) return bladeChassis(blade);
    }
    const members = bladesByEnclosure().get(id);
    if (members)
      return enclosure(
        id,
        members,
        o.service?.chassisPower(id, (b) => world.blade(b) !== undefined && world.refusesPowerOn(b)) ?? 'On',
      );
    return notFound(reply, request.url);
  });

  // --- events ---
  app.get(`${ROOT}/EventService`, async () => eventService());
  app.get(SUBSCRIPTIONS, async () =>
    collection(
      SUBSCRIPTIONS,
      'EventDestination',
      'Event subscriptions',
      o.subscriptions.ids().map((id) => `${SUBSCRIPTIONS}/${id}`),
    ),
  );
  app.post(SUBSCRIPTIONS, async (request, reply) => {
    if (o.subscriptions.refuse)
      return reply.code(501).send(redfishError('ActionNotSupported', 'This service takes no event subscriptions.'));
    const created = o.subscriptions.create(request.body);
    if ('error' in created)
      return reply
        .code(400)
        .send(redfishError('PropertyValueFormatError', `The value of the property ${created.error} is not valid.`));
    return reply.code(201).header('Location', `${SUBSCRIPTIONS}/${created.id}`).send(created.view);
  });
  app.get<{ Params: { id: string } }>(
    `${SUBSCRIPTIONS}/:id`,
    async (request, reply) => o.subscriptions.view(request.params.id) ?? notFound(reply, request.url),
  );
  app.delete<{ Params: { id: string } }>(`${SUBSCRIPTIONS}/:id`, async (request, reply) =>
    o.subscriptions.delete(request.params.id) ? reply.code(204).send() : notFound(reply, request.url),
  );
  app.get(`${ROOT}/EventService/SSE`, async (request, reply) => {
    reply.hijack();
    const last = request.headers['last-event-id'];
    o.events.attach(reply.raw, typeof last === 'string' ? last : undefined);
  });
}

function notFound(reply: FastifyReply, url: string): FastifyReply {
  return reply.code(404).send(redfishError('ResourceNotFound', `The resource at ${url.split('?')[0]} was not found.`));
}

/**
 * True when the blade's BMC answers. One that is cut off never answers: it holds the request until the client gives
 * up (hang), or drops the connection after the world's unreachable delay (reject); then false, nothing sent.
 */
async function answerLikeTheBmc(
  blade: FakeBladeView,
  world: FakeWorld,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<boolean> {
  if (blade.reachable === 'yes') return true;
  reply.hijack();
  const socket = request.raw.socket;
  const closed = new Promise((resolve) => socket.once('close', resolve));
  if (blade.reachable === 'reject') {
    await new Promise((resolve) => setTimeout(resolve, world.unreachableDelayMs));
    socket.destroy();
  }
  await closed;
  return false;
}
