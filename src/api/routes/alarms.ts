// /api/v1/alarms (open alarms, or every condition's latest), acknowledgement by an operator, and /api/v1/status:
// the operator's view in one answer, as `cascade status` and the dashboard's headline read it.
import { z } from 'zod';
import type { AlarmMonitor } from '../../alarms/alarm-monitor.js';
import { alarmEvent } from '../../wire/alarms.js';
import { acknowledgeBody, alarmParams, alarmQuery, alarmView, byUrgency, toAlarmView } from '../alarm-views.js';
import type { ApiContext } from '../context.js';
import { ApiError } from '../errors.js';
import { operatorStatus, statusView } from '../operator-status.js';
import { route, type AnyRoute } from '../route-kit.js';

export function alarmRoutes(ctx: ApiContext, monitor: AlarmMonitor): AnyRoute[] {
  return [
    route({
      id: 'listAlarms',
      method: 'GET',
      path: '/api/v1/alarms',
      access: 'viewer',
      tag: 'alarms',
      summary: 'Alarms, critical and unacknowledged first: the open ones, or with state=all the cleared ones too',
      query: alarmQuery,
      responses: { 200: { description: 'Alarms', schema: z.object({ items: z.array(alarmView) }) } },
      async handle({ query }) {
        const alarms = await ctx.store.alarms(query.state === 'open' ? { open: true } : {});
        return { body: { items: alarms.sort(byUrgency).map(toAlarmView) } };
      },
    }),
    route({
      id: 'acknowledgeAlarm',
      method: 'POST',
      path: '/api/v1/alarms/:id/acknowledge',
      access: 'operator',
      tag: 'alarms',
      summary: 'Acknowledges an open alarm (someone is on it); it stays open until its condition clears',
      description:
        'The id is `kind/subject` with the slash percent-encoded: /api/v1/alarms/pool.empty%2Fpool/acknowledge.',
      changes: true,
      params: alarmParams,
      body: acknowledgeBody.optional(),
      responses: { 200: { description: 'The acknowledged alarm', schema: alarmView } },
      async handle({ params, body, actor }) {
        const alarm = await ctx.store.alarm(params.id);
        if (!alarm) throw new ApiError(404, 'not-found', `no alarm ${params.id}`, 'params.id');
        if (alarm.clearedAt !== null)
          throw new ApiError(409, 'conflict', `alarm ${params.id} cleared already`, 'params.id');
        const note = body?.note;
        const event = alarmEvent('alarm.acknowledged', ctx.clock.now(), actor, alarm.subject, {
          kind: alarm.kind,
          message: alarm.message,
          ...(note === undefined ? {} : { note }),
        });
        await monitor.project(await ctx.store.commit({ events: [event] }));
        const after = await ctx.store.alarm(params.id);
        return { body: toAlarmView(after ?? alarm) };
      },
    }),
    route({
      id: 'status',
      method: 'GET',
      path: '/api/v1/status',
      access: 'viewer',
      tag: 'alarms',
      summary:
        'Workloads running, down (why, for how long), impaired and unprotected; the pool, open alarms, transfers in progress, survivability',
      responses: { 200: { description: 'The operator view', schema: statusView } },
      async handle() {
        const [state, alarms, survivability] = await Promise.all([
          ctx.state(),
          ctx.store.alarms({ open: true }),
          ctx.survivability.current().catch(() => null),
        ]);
        const body = operatorStatus({
          ...state,
          alarms,
          policy: ctx.policy(),
          now: ctx.clock.now(),
          survivability: survivability?.report ?? null,
        });
        return { body };
      },
    }),
  ];
}
