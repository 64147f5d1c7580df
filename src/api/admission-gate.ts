// Admission control on the operator routes: a submit, a maintenance request or a policy change that would
// break the protected survivability level is refused (409, enforce) or accepted with an audit event (warn).
// Failovers never pass through here: the controller starts them on its own, and admit() accepts them anyway.
import { admit, type OperatorAction } from '../core/admission.js';
import { DEFAULT_ADMISSION, DEFAULT_POLICY } from '../core/model.js';
import type { ApiContext } from './context.js';
import { ApiError } from './errors.js';
import { liveState, type SurvivabilityMonitor } from './survivability-monitor.js';

export async function admitAction(
  ctx: ApiContext,
  monitor: SurvivabilityMonitor,
  action: OperatorAction,
  actor: string,
  subject: string,
): Promise<void> {
  // A standing-by controller of an HA pair may not have read the policy yet; it refuses actions anyway.
  const current = ctx.policy() ?? DEFAULT_POLICY;
  const level = (action.kind === 'policy' ? action.policy : current).admission ?? DEFAULT_ADMISSION;
  if (level.mode === 'off' || action.kind === 'failover') return;
  const verdict = admit(liveState(await ctx.state(), current, monitor.labels), action);
  if (verdict.outcome === 'accept') return;
  const { outcome, message, newlyFailing } = verdict;
  const data = { action: action.kind, outcome, message, newlyFailing, broken: verdict.broken.map((b) => b.text) };
  const type = outcome === 'refuse' ? 'admission.refused' : 'admission.warned';
  await ctx.store.commit({ events: [{ at: ctx.clock.now(), actor, type, subject, data }] });
  if (outcome === 'refuse') {
    throw new ApiError(409, 'survivability', `refused by admission control: ${action.kind} of ${subject} ${message}`);
  }
}
