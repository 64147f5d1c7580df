// `cascade transfers [ID] | proposals | approve ID | reject ID`: transfers with their steps, and cascades awaiting approval.
import { InvalidArgumentError, type Command } from 'commander';
import type { Fit } from '../../core/fit.js';
import { call, printJson, query, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';
import { shortFit, table } from '../table.js';
import { registerTransferAbort } from './transfer-abort.js';

interface Transfer {
  readonly id: string;
  readonly kind: string;
  readonly workload: string;
  readonly from: string | null;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit;
  readonly status: string;
  readonly reason: string | null;
  readonly createdAt: number;
  readonly durationMs: number;
  readonly step: string | null;
}

interface Step {
  readonly name: string;
  readonly attempt: number;
  readonly status: string;
  readonly startedAt: number;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly fence?: {
    readonly level: string;
    readonly device: string;
    readonly answer: string;
    readonly reading: string;
    readonly at: number;
    readonly attempts?: readonly {
      level: string;
      device: string;
      confirmed: boolean;
      error: string | null;
      reading: string | null;
      at: number;
    }[];
  };
}

interface Proposal {
  readonly id: number;
  readonly workload: string;
  readonly from: string;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit | null;
  readonly saving: number;
  readonly status: string;
  readonly decidedBy: string | null;
  readonly transfer: string | null;
  readonly reason: string | null;
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const ms = (d: number | null): string => (d === null ? '-' : d < 10_000 ? `${d} ms` : `${Math.round(d / 100) / 10} s`);

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an integer >= 1');
  return n;
}

function proposalRows(items: readonly Proposal[]): string {
  return table(
    ['id', 'workload', 'move', 'fit', 'saving', 'status', 'by'],
    items.map((p) => [
      String(p.id),
      p.workload,
      `${p.from} -> ${p.to}`,
      `${shortFit(p.before)} -> ${shortFit(p.after)}`,
      String(Math.round(p.saving * 1000) / 1000),
      p.status + (p.reason ? ` (${p.reason})` : ''),
      p.decidedBy ?? '-',
    ]),
  );
}

export function registerTransfers(cli: Command): void {
  registerTransferAbort(cli);
  remoteOptions(
    cli
      .command('transfers')
      .description('transfers of a running controller, newest first; with an id, that transfer step by step')
      .argument('[id]', 'a transfer id')
      .option('--open', 'only transfers running or waiting')
      .option('--workload <id>', 'only transfers of this workload')
      .option('--limit <n>', 'at most this many (default 50)', integer, 50),
  ).action(async (id: string | undefined, o: RemoteFlags & { open?: boolean; workload?: string; limit: number }) => {
    const remote = remoteOf(o);
    if (id !== undefined) {
      const t = await call<Transfer & { steps: Step[] }>(remote, 'GET', `/api/v1/transfers/${encodeURIComponent(id)}`);
      if (o.json) return printJson(t);
      process.stdout.write(
        `${t.id}: ${t.kind} of ${t.workload}, ${t.from ?? '-'} -> ${t.to}, ${t.status}${t.reason ? ` (${t.reason})` : ''}, ${ms(t.durationMs)}\n`,
      );
      process.stdout.write(`fit ${shortFit(t.before)} -> ${shortFit(t.after)}\n\n`);
      process.stdout.write(
        `${table(
          ['step', 'attempt', 'status', 'started', 'took', 'error'],
          t.steps.map((s) => [s.name, String(s.attempt), s.status, time(s.startedAt), ms(s.durationMs), s.error ?? '']),
        )}\n`,
      );
      const fence = [...t.steps].reverse().find((s) => s.fence)?.fence;
      if (fence) {
        // The proof: which level cut the source off, what its device answered and read back, and the levels before it.
        process.stdout.write(
          `\nfenced by ${fence.level} (${fence.device}) at ${time(fence.at)}: answered "${fence.answer}", read ${fence.reading}\n`,
        );
        const rows = (fence.attempts ?? []).map((a) => [
          a.level,
          a.device,
          time(a.at),
          a.confirmed ? 'confirmed' : 'no',
          a.reading ?? '-',
          a.error ?? '',
        ]);
        if (rows.length > 0)
          process.stdout.write(`${table(['level', 'device', 'at', 'confirmed', 'read', 'error'], rows)}\n`);
      }
      return;
    }
    const page = await call<{ items: Transfer[]; total: number }>(
      remote,
      'GET',
      `/api/v1/transfers${query({ order: 'desc', limit: String(Math.min(o.limit, 1000)), open: o.open ? 'true' : undefined, workload: o.workload })}`,
    );
    if (o.json) return printJson(page.items);
    const rows = page.items.map((t) => [
      t.id,
      t.kind,
      t.workload,
      t.from ?? '-',
      t.to,
      t.status,
      t.step ?? '-',
      time(t.createdAt),
      ms(t.durationMs),
    ]);
    process.stdout.write(
      `${table(['transfer', 'kind', 'workload', 'from', 'to', 'status', 'step', 'created', 'took'], rows)}\n${page.items.length} of ${page.total}\n`,
    );
  });

  remoteOptions(
    cli
      .command('proposals')
      .description('cascades waiting for approval (policy requireApproval), then the latest decided')
      .option('--all', 'decided ones too (approved, rejected, started, expired)'),
  ).action(async (o: RemoteFlags & { all?: boolean }) => {
    const { items } = await call<{ items: Proposal[] }>(
      remoteOf(o),
      'GET',
      `/api/v1/proposals${o.all ? '' : '?status=proposed'}`,
    );
    if (o.json) return printJson(items);
    process.stdout.write(items.length === 0 ? 'no proposals\n' : `${proposalRows(items)}\n`);
  });

  remoteOptions(
    cli
      .command('approve')
      .description('approve a proposed cascade: it starts if it is still worthwhile')
      .argument('<id>', 'proposal id (see cascade proposals)', integer),
  ).action(async (id: number, o: RemoteFlags) => {
    const p = await call<Proposal>(remoteOf(o), 'POST', `/api/v1/proposals/${id}/approve`);
    if (o.json) return printJson(p);
    process.stdout.write(
      `approved ${p.id}: ${p.workload} ${p.from} -> ${p.to}; it starts at the next plan if still worthwhile\n`,
    );
  });

  remoteOptions(
    cli
      .command('reject')
      .description('reject a proposed cascade: it is not proposed again while the workload stays')
      .argument('<id>', 'proposal id', integer)
      .option('--reason <text>', 'why, for the audit log'),
  ).action(async (id: number, o: RemoteFlags & { reason?: string }) => {
    const p = await call<Proposal>(
      remoteOf(o),
      'POST',
      `/api/v1/proposals/${id}/reject`,
      o.reason === undefined ? undefined : { reason: o.reason },
    );
    if (o.json) return printJson(p);
    process.stdout.write(`rejected ${p.id}: ${p.workload} stays on ${p.from}\n`);
  });
}
