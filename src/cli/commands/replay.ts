// `cascade replay TRANSFER [--policy FILE]`: the round that started a transfer, recomputed from its stored snapshot.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { Fit } from '../../core/fit.js';
import { CliError } from '../cli-error.js';
import { call, printJson, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';
import { shortFit } from '../table.js';

interface PlacementView {
  readonly kind: string;
  readonly from: string | null;
  readonly to: string;
  readonly before: Fit | null;
  readonly after: Fit;
  readonly runnersUp: readonly { readonly blade: string; readonly fit: Fit; readonly lost: string }[];
}

type OutcomeView =
  | { readonly type: 'start' | 'propose'; readonly placement: PlacementView }
  | { readonly type: 'pending'; readonly reason: string; readonly detail: string }
  | { readonly type: 'none' };

interface ReplayView {
  readonly available: boolean;
  readonly reason: string | null;
  readonly round: { readonly hash: string; readonly now: number } | null;
  readonly identical: boolean | null;
  readonly outcome: OutcomeView | null;
  readonly alternative: { readonly policy: Record<string, unknown>; readonly outcome: OutcomeView } | null;
}

function describe(o: OutcomeView): string[] {
  if (o.type === 'pending') return [`pending: ${o.reason}: ${o.detail}`];
  if (o.type === 'none') return ['no move for this workload'];
  const p = o.placement;
  const verb = o.type === 'propose' ? 'propose' : p.kind;
  return [
    `${verb} ${p.from ?? '-'} -> ${p.to}, fit ${shortFit(p.before)} -> ${shortFit(p.after)}`,
    ...p.runnersUp.map((r) => `  not ${r.blade}: ${shortFit(r.fit)} (${r.lost})`),
  ];
}

async function policyFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`--policy: cannot read ${file} (${error instanceof Error ? error.message : String(error)})`, 2);
  }
  const value: unknown = parse(text);
  // A scenario or site file holds the policy under `policy:`; a file of its own is the policy itself.
  return typeof value === 'object' && value !== null && 'policy' in value
    ? (value as { policy: unknown }).policy
    : value;
}

export function registerReplay(cli: Command): void {
  remoteOptions(
    cli
      .command('replay')
      .description(
        'recompute the round that started a transfer from its stored snapshot; with --policy, what that policy would have done',
      )
      .argument('<transfer>', 'a transfer id')
      .option('--policy <file>', 'YAML or JSON with policy fields (a patch over the policy of the time)'),
  ).action(async (id: string, o: RemoteFlags & { policy?: string }) => {
    const remote = remoteOf(o);
    const path = `/api/v1/transfers/${encodeURIComponent(id)}/decision/replay`;
    const r = await call<ReplayView>(
      remote,
      'POST',
      path,
      o.policy === undefined ? {} : { policy: await policyFile(o.policy) },
    );
    if (o.json) return printJson(r);
    if (!r.available || r.outcome === null) {
      process.stdout.write(`${id}: cannot replay: ${r.reason ?? 'unknown'}\n`);
      return;
    }
    const out = [
      `${id}: round ${r.round!.hash.slice(0, 12)} at ${new Date(r.round!.now).toISOString()}`,
      `replayed: ${r.identical ? 'identical to the recorded decision' : 'DIFFERENT from the recorded decision'}`,
    ];
    out.push(...describe(r.outcome).map((l) => `  ${l}`));
    if (r.alternative) out.push('with the other policy:', ...describe(r.alternative.outcome).map((l) => `  ${l}`));
    process.stdout.write(`${out.join('\n')}\n`);
    if (!r.identical) process.exitCode = 1;
  });
}
