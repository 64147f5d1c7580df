// Never two copies, as a property of the rule that watches a fenced blade: whatever the level that fenced it and
// whatever follows (its BMC on or silent, power-offs that hold or fail, repairs asked at any time, someone powering it
// on again), a blade that may still run the lost workload's old copy is never back in the pool.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BladeRecord } from '../ports/store.js';
import { leftoverRisk, leftoverSign } from './reconcilers/leftover-copy.js';
import { transfer } from './testing/transfer-records.js';

type Level = 'bmc' | 'enclosure' | 'pdu' | 'storage' | 'operator';
type Step = 'bmc-on' | 'bmc-silent' | 'heartbeat-on-A' | 'power-off-holds' | 'power-off-fails' | 'repair' | 'power-on';

const level = fc.constantFrom<Level>('bmc', 'enclosure', 'pdu', 'storage', 'operator');
const step = fc.constantFrom<Step>(
  'bmc-on',
  'bmc-silent',
  'heartbeat-on-A',
  'power-off-holds',
  'power-off-fails',
  'repair',
  'power-on',
);

describe('leftover copies (property)', () => {
  it('a blade that may run the old copy is never repaired into the pool', () => {
    fc.assert(
      fc.property(level, fc.array(step, { maxLength: 20 }), (fencedBy, steps) => {
        const fence = { level: fencedBy, device: fencedBy, answer: 'done', reading: 'cut', at: 0 };
        const transfers = [
          transfer('failover', [['fence', 'succeeded', JSON.stringify({ fence })]], { status: 'done' }),
        ];
        // The truth: a fence that did not cut the power may leave the copy running until A is really off.
        let mayRun = fencedBy === 'storage' || fencedBy === 'operator';
        let heartbeat = false;
        let blade: BladeRecord = {
          id: 'A',
          resources: {},
          state: 'failed',
          power: 'unknown',
          health: 'unreachable',
          endpoint: 'e',
        };
        for (const s of steps) {
          if (s === 'bmc-on') blade = { ...blade, power: 'on' };
          else if (s === 'bmc-silent') blade = { ...blade, power: 'unknown' };
          else if (s === 'heartbeat-on-A') heartbeat = mayRun;
          else if (s === 'power-on')
            blade = { ...blade, power: 'on' }; // off since: it boots without its LUN
          else if (s === 'power-off-holds' || s === 'power-off-fails') {
            // The reconciler acts only on a risk and a sign; a power-off that holds is read back Off.
            const risk = leftoverRisk(blade, transfers);
            const sign = leftoverSign(blade, heartbeat ? { alive: true, blade: 'A' } : null, 'W1');
            if (risk && sign.found && s === 'power-off-holds') {
              blade = { ...blade, power: 'off' };
              mayRun = false;
              heartbeat = false;
            }
          } else if (s === 'repair' && blade.state === 'failed' && leftoverRisk(blade, transfers) === null) {
            blade = { ...blade, state: 'standby' };
          }
          expect(blade.state === 'standby' && mayRun, `after ${JSON.stringify(steps)}`).toBe(false);
          // The old copy is found whenever it shows: a heartbeat from A, or A read on.
          if (mayRun && blade.state === 'failed' && (heartbeat || blade.power === 'on'))
            expect(
              leftoverRisk(blade, transfers) &&
                leftoverSign(blade, heartbeat ? { alive: true, blade: 'A' } : null, 'W1').found,
            ).toBeTruthy();
        }
      }),
      { numRuns: 1000 },
    );
  });
});
