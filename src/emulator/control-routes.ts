// The emulator's JSON control API under /emulator/v1: the emulated hypervisor (workloads), the emulated SAN (storage),
// fault injection, and the world's history for tests. The hypervisor and SAN calls go through the fake ports, so they
// keep every guarantee those give (never on two blades, restore only from a saved state, dead blades don't answer).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import { DriverError, FakeStorage, FakeWorkloads, type FakeWorld } from '../adapters/fake/index.js';
import {
  addBladeBody,
  addWorkloadBody,
  bladeBody,
  describeIssue,
  faultBody,
  outageBody,
  passwordBody,
  migrationQuery,
  moveBody,
  repairBody,
  restoreBody,
} from './control-schemas.js';
import type { FaultInjector } from './faults.js';
import { FENCE_DEVICE_LEVELS, fenceFaultBody, type FenceDeviceLevel, type FenceFaults } from './fence-faults.js';
import { routedPath } from './routed-path.js';

export const CONTROL = '/emulator/v1';

export interface ControlHooks {
  /**
   * An operator repaired a blade: the world is fixed, and the controller (in the same process) is told.
   * Returns what the controller said, or null when there is no controller to tell.
   */
  readonly onRepair?: (
    blade: string,
    actor: string,
  ) => Promise<{ readonly accepted: boolean; readonly message: string } | null>;
}

export interface ControlOptions {
  readonly world: FakeWorld;
  readonly faults: FaultInjector;
  /** Faults of the enclosure managers, PDUs and SAN; none when absent. */
  readonly fencing?: FenceFaults;
  /** Bearer token every control call must carry; null: none (tests on loopback). */
  readonly token: string | null;
  readonly hooks: ControlHooks;
}

type Params = { Params: { id: string } };

export function controlRoutes(app: FastifyInstance, o: ControlOptions): void {
  const { world, faults } = o;
  const workloads = new FakeWorkloads(world);
  const storage = new FakeStorage(world);

  app.addHook('onRequest', async (request, reply) => {
    if (!routedPath(request).startsWith(CONTROL) || o.token === null) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    const wanted = Buffer.from(`Bearer ${o.token}`);
    if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
      return reply
        .code(401)
        .send({ error: { code: 'unauthorized', message: 'the control API needs the bearer token from serve.json' } });
    }
  });

  /** Runs a call, answering a validation problem with 400 naming the field, and a driver refusal with its code. */
  const handle = async <T>(reply: FastifyReply, work: () => Promise<T> | T): Promise<T | FastifyReply> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof BadRequest)
        return reply.code(400).send({ error: { code: 'bad-request', field: error.field, message: error.message } });
      if (error instanceof DriverError) {
        const status =
          error.code === 'unknown-blade' || error.code === 'unknown-workload'
            ? 404
            : error.code === 'unreachable'
              ? 503
              : 409;
        return reply
          .code(status)
          .send({ error: { code: error.code, message: error.message, blade: error.blade, workload: error.workload } });
      }
      throw error;
    }
  };
  const needBlade = (id: string): void => {
    if (!world.blade(id)) throw new DriverError('unknown-blade', `blade ${id}: unknown`, id, null);
  };

  // --- the world, for people and tests ---
  app.get(`${CONTROL}/world`, async () => ({
    blades: world.bladeIds().map((id) => world.blade(id)),
    workloads: world.workloadIds().map((id) => world.workload(id)),
  }));
  app.get(`${CONTROL}/history`, async () => ({ history: world.history() }));

  // --- the emulated hypervisor ---
  app.get(`${CONTROL}/workloads`, async () => ({ workloads: world.workloadIds().map((id) => world.workload(id)) }));
  app.post(`${CONTROL}/workloads`, async (request, reply) =>
    handle(reply, () => {
      const body = parse(addWorkloadBody, request.body);
      if (world.workload(body.id))
        throw new DriverError('already-running', `workload ${body.id}: already exists`, null, body.id);
      if (body.blade !== undefined) needBlade(body.blade);
      try {
        world.addWorkload({ ...body, source: body.source === undefined ? 'declared' : body.source });
      } catch (error) {
        // The world refuses a start on a blade that is off or busy.
        throw new DriverError(
          'blade-busy',
          error instanceof Error ? error.message : String(error),
          body.blade ?? null,
          body.id,
        );
      }
      return reply.code(201).send(world.workload(body.id));
    }),
  );
  app.get<Params>(`${CONTROL}/workloads/:id`, async (request, reply) =>
    handle(reply, () => workloads.status(request.params.id)),
  );
  // The hypervisor's heartbeat: answered by the world itself, not through the blade's BMC, so a BMC fault leaves it.
  app.get<Params>(`${CONTROL}/workloads/:id/liveness`, async (request) => workloads.liveness(request.params.id));
  app.get<Params>(`${CONTROL}/workloads/:id/declared`, async (request, reply) =>
    handle(reply, async () => ({ declared: await workloads.declared(request.params.id) })),
  );
  app.get<Params>(`${CONTROL}/workloads/:id/samples`, async (request, reply) =>
    handle(reply, async () => ({ samples: await workloads.samples(request.params.id) })),
  );
  app.post<Params>(`${CONTROL}/workloads/:id/checkpoint`, async (request, reply) =>
    handle(reply, () => workloads.checkpoint(request.params.id, parse(bladeBody, request.body).blade)),
  );
  app.post<Params>(`${CONTROL}/workloads/:id/capture`, async (request, reply) =>
    handle(reply, () => workloads.capture(request.params.id, parse(bladeBody, request.body).blade)),
  );
  app.post<Params>(`${CONTROL}/workloads/:id/restore`, async (request, reply) =>
    handle(reply, async () => {
      const body = parse(restoreBody, request.body);
      await workloads.restore(request.params.id, body.blade, body.checkpoint);
      return reply.code(204).send();
    }),
  );
  app.get<Params>(`${CONTROL}/workloads/:id/migration`, async (request, reply) =>
    handle(reply, async () => {
      const query = parse(migrationQuery, request.query);
      return { canMigrate: await workloads.canMigrate(request.params.id, query.from, query.to) };
    }),
  );
  app.post<Params>(`${CONTROL}/workloads/:id/migrate`, async (request, reply) =>
    handle(reply, async () => {
      const body = parse(moveBody, request.body);
      await workloads.migrate(request.params.id, body.from, body.to);
      return reply.code(204).send();
    }),
  );
  app.post<Params>(`${CONTROL}/workloads/:id/resume`, async (request, reply) =>
    handle(reply, async () => {
      await workloads.resume(request.params.id, parse(bladeBody, request.body).blade);
      return reply.code(204).send();
    }),
  );

  // --- the emulated SAN: boot LUN and identity of a workload ---
  app.get<Params>(`${CONTROL}/storage/:id`, async (request) => ({
    blade: await storage.attachedTo(request.params.id),
  }));
  app.put<Params>(`${CONTROL}/storage/:id`, async (request, reply) =>
    handle(reply, async () => {
      await storage.attach(request.params.id, parse(bladeBody, request.body).blade);
      return reply.code(204).send();
    }),
  );

  // --- hardware changes and faults ---
  app.post(`${CONTROL}/blades`, async (request, reply) =>
    handle(reply, () => {
      const body = parse(addBladeBody, request.body);
      if (world.blade(body.id))
        return reply
          .code(409)
          .send({ error: { code: 'blade-exists', field: 'id', message: `blade ${body.id} already exists` } });
      const holder = body.location ? world.bladeAt(body.location) : undefined;
      if (holder !== undefined) {
        const message = `slot ${body.location!.slot} of chassis ${body.location!.chassis} already holds ${holder}`;
        return reply.code(409).send({ error: { code: 'slot-taken', field: 'location.slot', message } });
      }
      world.addBlade(body);
      return reply.code(201).send(world.blade(body.id));
    }),
  );
  app.post<Params>(`${CONTROL}/blades/:id/faults`, async (request, reply) =>
    handle(reply, () => {
      needBlade(request.params.id);
      return { blade: request.params.id, done: faults.inject(request.params.id, parse(faultBody, request.body)) };
    }),
  );
  // A fencing device that does not answer for the blade, or answers and does nothing (its read back disagrees).
  app.put<{ Params: { id: string; level: string } }>(`${CONTROL}/blades/:id/fencing/:level`, async (request, reply) =>
    handle(reply, () => {
      needBlade(request.params.id);
      const level = request.params.level;
      if (!o.fencing || !(FENCE_DEVICE_LEVELS as readonly string[]).includes(level)) {
        throw new BadRequest('level', `level: expected one of ${FENCE_DEVICE_LEVELS.join(', ')}`);
      }
      const { fault } = parse(fenceFaultBody, request.body);
      o.fencing.set(level as FenceDeviceLevel, request.params.id, fault);
      return { blade: request.params.id, level, fault };
    }),
  );
  app.post<Params>(`${CONTROL}/blades/:id/repair`, async (request, reply) =>
    handle(reply, async () => {
      const { actor } = parse(repairBody, request.body ?? {});
      needBlade(request.params.id);
      world.repairBlade(request.params.id);
      const said = o.hooks.onRepair ? await o.hooks.onRepair(request.params.id, actor) : null;
      const done = `${request.params.id} repaired: healthy, reachable, powered as it was`;
      return { blade: request.params.id, done, controller: said?.message ?? null, accepted: said?.accepted ?? null };
    }),
  );
  // --- faults of the whole Redfish service ---
  app.post(`${CONTROL}/redfish/outage`, async (request, reply) =>
    handle(reply, () => {
      const { forMs } = parse(outageBody, request.body);
      if (forMs === 0) faults.service.restore();
      else faults.service.outage(forMs);
      return {
        done:
          forMs === 0
            ? 'the Redfish service answers again'
            : `the Redfish service drops every connection for ${forMs} ms`,
      };
    }),
  );
  app.post(`${CONTROL}/redfish/password`, async (request, reply) =>
    handle(reply, () => {
      faults.service.changePassword(parse(passwordBody, request.body).password);
      return { done: 'the BMC password changed; every session ended' };
    }),
  );
  app.post<Params>(`${CONTROL}/chassis/:id/power-loss`, async (request, reply) =>
    handle(reply, () => {
      const blades = faults.chassisPowerLoss(request.params.id);
      if (blades.length === 0)
        return reply
          .code(404)
          .send({ error: { code: 'unknown-chassis', message: `chassis ${request.params.id}: no blades there` } });
      return {
        chassis: request.params.id,
        blades,
        done: `chassis ${request.params.id} lost power: ${blades.length} blades off`,
      };
    }),
  );
}

class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const { field, message } = describeIssue(result.error, 'body');
  throw new BadRequest(field, message);
}
