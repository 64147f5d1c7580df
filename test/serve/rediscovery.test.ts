// The real `cascade serve` (dist/, built by `npm test`) against an external Redfish endpoint whose BMC for one busy
// blade garbles every reply at the first start: the controller starts without that blade, and its periodic
// discovery (controller.discoverMs) adds the blade and adopts the workload running there once the BMC recovers.
import { afterEach, describe, expect, it } from 'vitest';
import { ControllerProcess } from '../../src/chaos/controller-process.js';
import { generateSchedule } from '../../src/chaos/schedule.js';
import { startSite, type Site } from '../../src/chaos/site.js';

let site: Site | null = null;
let controller: ControllerProcess | null = null;
afterEach(async () => {
  await controller?.stop();
  await site?.close(false);
  controller = null;
  site = null;
});

describe('cascade serve: rediscovery', () => {
  it('adds a blade its first inventory missed, with the workload running on it, once the BMC answers again', async () => {
    const schedule = generateSchedule(3);
    site = await startSite(schedule);
    const hosted = schedule.workloads[0]!;
    site.emulator.faults.replies.malformed(hosted.blade, 10 * 60_000);
    controller = new ControllerProcess({ config: site.config, dataDir: site.dataDir, env: site.env });
    await controller.start();
    const get = async <T>(path: string): Promise<T> =>
      (await (
        await fetch(`${controller!.apiUrl ?? ''}${path}`, { headers: { authorization: `Bearer ${site!.token}` } })
      ).json()) as T;
    const blades = async () =>
      (await get<{ items: { id: string; state: string }[] }>('/api/v1/blades?limit=1000')).items;
    const workload = async () =>
      (
        await fetch(`${controller!.apiUrl ?? ''}/api/v1/workloads/${hosted.id}`, {
          headers: { authorization: `Bearer ${site!.token}` },
        })
      ).status;

    // Started without the garbled blade, and without its workload (nothing may be placed there meanwhile).
    expect((await blades()).map((b) => b.id)).not.toContain(hosted.blade);
    expect((await blades()).length).toBe(schedule.blades.length - 1);
    expect(await workload()).toBe(404);

    site.emulator.faults.replies.clear(hosted.blade);
    const deadline = Date.now() + 20_000;
    // The blade list is a shared snapshot up to a second old (src/api/context.ts): wait for both.
    const adopted = async () => (await workload()) === 200 && (await blades()).some((b) => b.id === hosted.blade);
    while (!(await adopted())) {
      if (Date.now() > deadline)
        throw new Error(
          `${hosted.id} and its blade were not in the API after 20 s; controller log:\n${controller.tail.slice(-20).join('\n')}`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await blades()).find((b) => b.id === hosted.blade)).toMatchObject({ state: 'active' });
    expect(await get(`/api/v1/workloads/${hosted.id}`)).toMatchObject({ state: 'running', blade: hosted.blade });
    // Adopted where it ran: the hypervisor never stopped or started it again.
    expect(site.world.runningOn(hosted.id)).toEqual([hosted.blade]);
    expect(
      site.world
        .history()
        .filter((e) => e.kind === 'started' && e.workload === hosted.id)
        .map((e) => e.kind === 'started' && e.how),
    ).toEqual(['initial']);
  }, 60_000);
});
