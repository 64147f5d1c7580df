// `cascade transfer abort ID [--reason R]`: an operator unwinds a transfer that has not left its source; the
// controller refuses one past its point of no return and says why.
import type { Command } from 'commander';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';

interface Aborting {
  readonly id: string;
  readonly kind: string;
  readonly workload: string;
  readonly outcome: string;
}

export function registerTransferAbort(cli: Command): void {
  const transfer = cli.command('transfer').description('one transfer: abort it before its point of no return');
  remoteOptions(
    transfer
      .command('abort')
      .description(
        'unwind a transfer that has not left its source (no live move, no fence): the workload stays on its ' +
          'source or pending, the target returns to the pool; refused with the reason once it has',
      )
      .argument('<id>', 'transfer id (see cascade transfers --open)')
      .option('--reason <text>', 'why, for the audit log'),
  ).action(async (id: string, o: RemoteFlags & { reason?: string }) => {
    const a = await call<Aborting>(
      remoteOf(o),
      'POST',
      `/api/v1/transfers/${encodeURIComponent(id)}/abort`,
      o.reason === undefined ? {} : { reason: o.reason },
    );
    if (o.json) return printJson(a);
    process.stdout.write(`aborting ${a.id} (${a.kind} of ${a.workload}): ${a.outcome}\n`);
  });
}
