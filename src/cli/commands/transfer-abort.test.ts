// `cascade transfer abort ID` against a real API on 127.0.0.1: a waiting failover unwinds with the operator's reason;
// a finished transfer is refused with the controller's words and exit 2.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHarness, FOUR_SERVERS, type ApiHarness } from '../../api/testing/api-harness.js';
import { eventually } from '../../orchestrator/testing/harness.js';
import { runCliAt } from '../testing/run-cli.js';

let t: ApiHarness;
beforeAll(async () => {
  t = await apiHarness(FOUR_SERVERS);
  await t.h.settle();
});
afterAll(async () => {
  await t.stop();
});

const cascade = (args: string[]) => runCliAt(t.url, t.tokens.operator, args);

describe('cascade transfer abort', () => {
  it('unwinds a failover waiting on its fence, then refuses it once it is aborted', async () => {
    const h = t.h;
    h.world.setReachable('A', false, { hang: true });
    h.world.losePower('A');
    await eventually(
      async () => (await h.store.transfers({ open: true })).some((x) => x.status === 'waiting'),
      8_000,
      'a waiting failover',
    );
    const [waiting] = await h.store.transfers({ open: true });
    const asked = await cascade(['transfer', 'abort', waiting!.id, '--reason', 'wrong blade']);
    expect(asked.err).toBe('');
    expect(asked).toMatchObject({ code: 0 });
    expect(asked.out).toContain(`aborting ${waiting!.id} (failover of W1): W1 stays pending on A`);
    await eventually(async () => (await h.store.transfer(waiting!.id))?.status === 'aborted', 8_000, 'aborted');
    expect((await h.store.transfer(waiting!.id))!.reason).toBe('aborted by token:operator-1: wrong blade');
    const refused = await cascade(['transfer', 'abort', waiting!.id]);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain(`transfer ${waiting!.id} is aborted already`);
    expect((await cascade(['transfer', 'abort', 'nope'])).code).toBe(2);
  });
});
