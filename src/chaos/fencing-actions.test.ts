// The fencing mix hangs the BMC of the blade its workload runs on when the fault comes, wherever the first plan moved
// it, and the level faults that come with the hang meet the same blade whatever order they are played in.
import { afterEach, describe, expect, it } from 'vitest';
import { FencingDesk, type FencingAction, withFencingMix } from './fencing-actions.js';
import { generateSchedule } from './schedule.js';
import { type Site, startSite } from './site.js';

let site: Site | null = null;
afterEach(async () => {
  await site?.close(false);
  site = null;
});

/** The first seed from 1 whose fencing mix has a hang that comes with a level fault. */
function scheduleWithLevelFault() {
  for (let seed = 1; ; seed++) {
    const s = withFencingMix(generateSchedule(seed));
    const hang = s.actions.find(
      (a): a is Extract<FencingAction, { kind: 'fence-hang-kill' }> => a.kind === 'fence-hang-kill',
    );
    const fault = s.actions.find(
      (a): a is Extract<FencingAction, { kind: 'fence-level-fault' }> =>
        a.kind === 'fence-level-fault' && hang !== undefined && a.at === hang.at && a.blade === hang.blade,
    );
    if (hang !== undefined && fault !== undefined) return { s, hang, fault };
  }
}

describe('the fencing mix', () => {
  it('names a workload and the blade it started on', () => {
    const { s, hang, fault } = scheduleWithLevelFault();
    const w = s.workloads.find((x) => x.id === hang.workload);
    expect(w?.blade).toBe(hang.blade);
    expect(fault.workload).toBe(hang.workload);
  });

  it.each(['the level fault', 'the hang'])(
    'plays a hang and its level faults on the blade the workload has moved to, %s first',
    async (first) => {
      const { s, hang, fault } = scheduleWithLevelFault();
      site = await startSite(s);
      const { world, emulator } = site;
      const workload = hang.workload ?? '';
      const elsewhere = s.blades.find((b) => !s.workloads.some((w) => w.blade === b.id));
      const to = elsewhere?.id ?? '';
      expect(to).not.toBe('');
      world.moveRun(workload, to);
      const desk = new FencingDesk(site, () => null);
      // The player starts actions of one time in no fixed order; the hang stops the workload it follows.
      for (const a of first === 'the hang' ? [hang, fault] : [fault, hang]) expect(await desk.apply(a)).toBe(true);
      expect(emulator.fencing.of(fault.level, to)).toBe(fault.fault);
      expect(emulator.fencing.of(fault.level, hang.blade)).not.toBe(fault.fault);
      expect(world.blade(to)?.reachable).not.toBe('yes');
      expect(world.blade(hang.blade)?.reachable).toBe('yes');
      expect(world.workload(workload)?.state).toBe('stopped');
    },
  );
});
