// Admission control on the operator routes: a submit, a maintenance request or a policy change that would
// break the protected survivability level is refused (409, enforce) or accepted with an audit event (warn).
// Failovers never pass through here: the controller starts them on its own, and admit() accepts them anyway.
import { admit, type OperatorAction } from '../core/admission.js';
import { DEFAULT_ADMISSION } from '../core/model.js';
import type { ApiContext } from './context.js';
import { ApiError } from './errors.js';
import { liveState, type SurvivabilityMonitor } from './survivability-monitor.js';

export async function admitAction(ctx: ApiContext, monitor: SurvivabilityMonitor, action: OperatorAction, actor: string, subject: string): Promise<void> {
  const level = (action.kind === 'policy' ? action.policy : ctx.policy()).admission ?? DEFAULT_ADMISSION;
  if (level.mode === 'off' || action.kind === 'failover') return;
  const verdict = admit(liveState(await ctx.state(), ctx.policy(), monitor.labels), action);
  if (verdict.outcome === 'accept') return;
  const data = { action: action.kind, outcome: verdict.outcome, message: verdict.message, newlyFailing: verdict.newlyFailing, broken: verdict.broken.map((b) => b.text) };
  await ctx.store.commit({ events: [{ at: ctx.clock.now(), actor, type: verdict.outcome === 'refuse' ? 'admission.refused' : 'admission.warned', subject, data }] });
  if (verdict.outcome === 'refuse') throw new ApiError(409, 'survivability', `refused by admission control: ${action.kind} of ${subject} ${verdict.message}`);
}
