// The controller's whole durable state in one comparable value: "nothing changed" is deep equality of two of these.
import type { Harness } from '../../orchestrator/testing/harness.js';

export async function stateOf(h: Harness): Promise<unknown> {
  const [blades, workloads, transfers, events, policy, tokens] = await Promise.all([
    h.store.blades(),
    h.store.workloads(),
    h.store.transfers(),
    h.store.events(0, 1_000_000),
    h.store.policy(),
    h.store.tokens(),
  ]);
  // Admission control audits each refusal it makes: that record is the refusal itself, not a change of state.
  const changes = events.filter((e) => e.type !== 'admission.refused');
  return { blades, workloads, transfers, events: changes, policy, tokens, proposals: h.controller.proposals() };
}
