// The fence step through a blade's fencing levels, on the controller over fakes: a hung BMC is passed by the next
// level, a level whose read disagrees with its answer is no confirmation, and with none confirming the failover waits
// with an alarm naming each level's last error, and goes on once a level confirms. A BMC the detector found silent is
// skipped when another level follows, and a workload found dead with its blade is not captured.
import { afterEach, describe, expect, it } from 'vitest';
import { FakePdu, FakeSan, historyViolations, type FakePorts } from '../adapters/fake/index.js';
import { BmcFence } from './bmc-fence.js';
import { outputOf } from './executor.js';
import { SKIPPED_SILENT_BMC } from './fence-levels.js';
import { eventually, harness, type Harness } from './testing/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

interface Devices {
  pdu: FakePdu;
  san: FakeSan;
}

/** W1 on A, B a powered-off standby; A's levels: its BMC, its PDU outlet, its SAN initiator. */
async function withLevels(prepare?: (ports: FakePorts) => void): Promise<{ h: Harness; d: Devices }> {
  let devices: Devices | null = null;
  const made = await harness({
    blades: [
      { id: 'A', resources: { memoryGiB: 64 } },
      { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
    ],
    workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    ...(prepare ? { prepare: (_world, ports) => prepare(ports) } : {}),
    fencing: (world, ports) => {
      const bmc = new BmcFence(ports.hardware);
      devices = { pdu: new FakePdu('pdu-a', world), san: new FakeSan('san-a', world) };
      const d = devices;
      return (blade) => [
        { device: bmc, address: blade },
        { device: d.pdu, address: blade },
        { device: d.san, address: blade },
      ];
    },
  });
  await made.settle();
  return { h: made, d: devices! };
}

/** Counts the capture calls the controller makes on a blade. */
function countCaptures(ports: FakePorts, on: string): { n: number } {
  const seen = { n: 0 };
  const capture = ports.workloads.capture.bind(ports.workloads);
  ports.workloads.capture = (workload, blade) => {
    if (blade === on) seen.n++;
    return capture(workload, blade);
  };
  return seen;
}

const noDoubleRuns = () =>
  expect(historyViolations(h!.world.history()).filter((v) => v.rule !== 'sequence-gap')).toEqual([]);

describe('fencing levels', () => {
  it('a hung BMC is passed by the next level: the failover completes, its proof in the record and the audit log', async () => {
    let captures = { n: 0 };
    const made = await withLevels((ports) => {
      captures = countCaptures(ports, 'A');
    });
    h = made.h;
    // A's BMC hangs and W1 dies with A: the detector fails A only once W1's own heartbeat is gone too.
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'B', 8_000, 'W1 on B');
    const [t] = await h.store.transfers();
    expect(t).toMatchObject({ kind: 'failover', from: 'A', to: 'B', status: 'done' });
    const proof = outputOf(t!, 'fence')!.fence!;
    expect(proof).toMatchObject({ level: 'pdu', device: 'pdu-a', address: 'A', reading: 'outlet of A Off' });
    expect(proof.attempts?.map((a) => [a.level, a.confirmed])).toEqual([
      ['bmc', false],
      ['pdu', true],
    ]);
    // The detector failed A with its BMC silent: the bmc level is skipped, not run out to its deadline, and the
    // proof still shows it.
    expect(proof.attempts?.[0]).toMatchObject({ error: SKIPPED_SILENT_BMC, answer: null, reading: null });
    // W1's own path said it was dead when A failed: no capture call on A, the stored checkpoint (or a cold start).
    expect(captures.n).toBe(0);
    expect(['stored', 'none']).toContain(outputOf(t!, 'capture')?.source);
    const attempts = (await h.events()).filter((e) => e.type === 'transfer.fence.attempt' && e.subject === t!.id);
    expect(attempts.map((e) => e.data['level'])).toEqual(['bmc', 'pdu']);
    expect(attempts[1]!.data).toMatchObject({
      confirmed: true,
      reading: 'outlet of A Off',
      answer: 'outlet off accepted',
    });
    expect(h.world.blade('A')!.power).toBe('off');
    expect(h.world.runningOn('W1')).toEqual(['B']);
    noDoubleRuns();
  });

  it('a level that answers "done" but reads otherwise is no confirmation: the next level fences', async () => {
    const made = await withLevels();
    h = made.h;
    made.d.pdu.mode = 'ignore';
    // A's BMC hangs and W1 dies with A: the detector fails A only once W1's own heartbeat is gone too.
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'B', 8_000, 'W1 on B');
    const [t] = await h.store.transfers();
    const proof = outputOf(t!, 'fence')!.fence!;
    expect(proof.level).toBe('storage');
    const pdu = proof.attempts?.find((a) => a.level === 'pdu');
    expect(pdu).toMatchObject({ confirmed: false, answer: 'outlet off accepted' });
    expect(pdu?.error).toBe('pdu-a answered "outlet off accepted" but its read shows outlet of A On');
    expect(h.world.attachedTo('W1')).toBe('B');
    expect(h.world.runningOn('W1')).toEqual(['B']);
    noDoubleRuns();
  });

  it('with no level confirming the failover waits, its alarm naming each level; it goes on once one confirms', async () => {
    const made = await withLevels();
    h = made.h;
    made.d.pdu.mode = 'unreachable';
    made.d.san.mode = 'ignore';
    // A's BMC hangs and W1 dies with A: the detector fails A only once W1's own heartbeat is gone too.
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'waiting'),
      8_000,
      'the failover to wait',
    );
    const [t] = await h.store.transfers();
    const raised = (await h.events()).find((e) => e.type === 'alarm.raised' && e.subject === t!.id);
    expect(raised?.data).toMatchObject({ kind: 'fence.unconfirmed', severity: 'critical' });
    const message = String(raised?.data['message']);
    expect(message).toContain(`bmc (bmc): ${SKIPPED_SILENT_BMC}`);
    expect(message).toContain('pdu (pdu-a): pdu-a: A: device not reachable');
    expect(message).toContain('storage (san-a): san-a answered "unmapped 1 LUN(s)" but its read shows A sees W1');
    expect(h.world.blade('B')!.power).toBe('off');
    // W1 died with A; nothing runs it while no level confirms A is off.
    expect(h.world.runningOn('W1')).toEqual([]);

    made.d.san.mode = 'ok';
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'B', 8_000, 'W1 on B');
    expect(
      (await h.events()).some(
        (e) => e.type === 'alarm.cleared' && e.subject === t!.id && e.data['kind'] === 'fence.unconfirmed',
      ),
    ).toBe(true);
    expect(h.world.runningOn('W1')).toEqual(['B']);
    noDoubleRuns();
  });

  it("with its BMC the blade's only level, a silent BMC is still tried, and the failover waits on it", async () => {
    h = await harness({
      blades: [
        { id: 'A', resources: { memoryGiB: 64 } },
        { id: 'B', resources: { memoryGiB: 64 }, power: 'off' },
      ],
      workloads: [{ id: 'W1', requirements: { memoryGiB: 64 }, blade: 'A' }],
    });
    await h.settle();
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(
      async () => (await h!.store.transfers()).some((t) => t.status === 'waiting'),
      8_000,
      'the failover to wait',
    );
    const [t] = await h.store.transfers();
    const attempts = (await h.events()).filter((e) => e.type === 'transfer.fence.attempt' && e.subject === t!.id);
    expect(attempts[0]?.data).toMatchObject({ level: 'bmc', confirmed: false });
    expect(attempts[0]?.data['error']).toBe('power state of A: no answer within 200 ms');
    expect(h.world.blade('B')!.power).toBe('off');
  });

  it('a blade that failed with its BMC answering (Health Critical) is fenced by its BMC and its workload captured', async () => {
    let captures = { n: 0 };
    const made = await withLevels((ports) => {
      captures = countCaptures(ports, 'A');
    });
    h = made.h;
    h.world.setHealth('A', 'critical');
    await eventually(async () => (await h!.store.workload('W1'))?.blade === 'B', 8_000, 'W1 on B');
    const [t] = await h.store.transfers();
    expect(outputOf(t!, 'fence')?.fence).toMatchObject({ level: 'bmc' });
    expect(captures.n).toBeGreaterThan(0);
    expect(outputOf(t!, 'capture')?.source).toBe('live');
    noDoubleRuns();
  });
});
