// `cascade finish WORKLOAD` and `cascade withdraw WORKLOAD`: a workload is done (its blade returns to the pool), or a
// pending or placing one is taken back before it runs (a placement in progress powers its target off and frees it).
import type { Command } from 'commander';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';

interface WorkloadReply {
  readonly id: string;
  readonly state: string;
}

export function registerWorkloadActions(cli: Command): void {
  remoteOptions(
    cli
      .command('finish')
      .description('mark a workload finished: its blade returns to the standby pool (a placing one is withdrawn)')
      .argument('<workload>', 'workload id'),
  ).action(async (workload: string, o: RemoteFlags) => {
    const w = await call<WorkloadReply>(
      remoteOf(o),
      'POST',
      `/api/v1/workloads/${encodeURIComponent(workload)}/finish`,
    );
    if (o.json) return printJson(w);
    process.stdout.write(`${w.id} is ${w.state}\n`);
  });
  remoteOptions(
    cli
      .command('withdraw')
      .description('withdraw a pending or placing workload (refused once it runs: use finish)')
      .argument('<workload>', 'workload id'),
  ).action(async (workload: string, o: RemoteFlags) => {
    const w = await call<WorkloadReply>(remoteOf(o), 'DELETE', `/api/v1/workloads/${encodeURIComponent(workload)}`);
    if (o.json) return printJson(w);
    process.stdout.write(`${w.id} withdrawn (${w.state})\n`);
  });
}
