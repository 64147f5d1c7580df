// `cascade plan` shows the policy rules in force and what they do: a floor's reason, a pinned candidate.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../sim/load-scenario.js';
import { printPlan, whatIfFromScenario } from './plan-output.js';

const scenario = (text: string) => {
  const result = parseScenario(text, 'rules.yaml');
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.scenario;
};

describe('cascade plan: policy rules', () => {
  const s = scenario(`
policy: { hardKeys: [memoryGiB], repairBurnInSeconds: 600, cascadeWindows: ["mon-fri 22:00-06:00"] }
blades:
  - { id: A, resources: { memoryGiB: 768 }, state: active }
  - { id: P, resources: { memoryGiB: 4096 }, state: active }
  - { id: S512, resources: { memoryGiB: 512 } }
  - { id: S1T, resources: { memoryGiB: 1024 } }
workloads:
  - { id: W, requirements: { memoryGiB: 768 }, blade: A, minimum: { memoryGiB: 600 } }
  - { id: Q, requirements: { memoryGiB: 1024 }, blade: P, pinned: true }
`);

  it('lists each rule, and a floor as the reason a blade lost', () => {
    const text = printPlan(whatIfFromScenario(s, ['A']), { all: true });
    expect(text).toContain(
      'Policy rules:\n  hard floors: memoryGiB (a blade offering less is infeasible)\n  W minimum: memoryGiB >= 600\n',
    );
    expect(text).toContain('  pinned (never cascaded, still failed over): Q\n');
    expect(text).toContain('  burn-in: a repaired or added blade enters the pool after 600 s healthy\n');
    expect(text).toContain(
      '  cascade windows (UTC): mon-fri 22:00-06:00; outside them cascades are proposed, not run\n',
    );
    expect(text).toContain('  W  failover  A -> S1T');
    expect(text).toContain('S512 memoryGiB: hard floor 600, offers 512 (short by 88) (infeasible)');
    expect(text).toContain('  Q on P: ');
    expect(text).toMatch(/Q on P: .*\(pinned\)/);
  });

  it('prints no rules block for a plain policy', () => {
    const plain = scenario('blades:\n  - { id: A, resources: { memoryGiB: 1 } }\n');
    expect(printPlan(whatIfFromScenario(plain, []), { all: true })).not.toContain('Policy rules');
  });
});
