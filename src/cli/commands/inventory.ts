// `cascade blades | pool | workloads | candidates`: what a running controller sees, as tables or --json.
import type { Command } from 'commander';
import type { Fit } from '../../core/fit.js';
import { all, call, printJson, query, remoteOf, remoteOptions, type RemoteFlags } from '../remote/client.js';
import { shortFit, table } from '../table.js';

interface Blade {
  readonly id: string;
  readonly resources: Readonly<Record<string, number | string>>;
  readonly state: string;
  readonly power: string;
  readonly health: string;
  readonly location: { readonly chassis: string; readonly slot: number; readonly label?: string } | null;
  readonly name?: string;
  readonly workload: string | null;
}

interface Workload {
  readonly id: string;
  readonly requirements: Readonly<Record<string, number | string>>;
  readonly priority: number;
  readonly blade: string | null;
  readonly state: string;
  readonly pendingReason: string | null;
  readonly fit: Fit | null;
}

interface Candidates {
  readonly items: {
    workload: string;
    blade: string;
    fit: Fit;
    frozen: boolean;
    move: { to: string; after: Fit; saving: number } | null;
  }[];
  readonly totals: { surplus: number; deficit: number; running: number };
}

/** "storageTB=200 cpuArch=x86_64" */
export function resourcesText(r: Readonly<Record<string, number | string>>): string {
  return Object.entries(r)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

export function bladeRows(blades: readonly Blade[]): string {
  return table(
    ['blade', 'state', 'health', 'power', 'location', 'workload', 'resources'],
    blades.map((b) => [
      b.name ? `${b.id} (${b.name})` : b.id,
      b.state,
      b.health,
      b.power,
      b.location ? locationText(b.location) : '-',
      b.workload ?? '-',
      resourcesText(b.resources),
    ]),
  );
}

/** "c1/3", and the label the enclosure prints when it says more ("MultiBladeEncl/1 (Blade 1)"). */
function locationText(l: { readonly chassis: string; readonly slot: number; readonly label?: string }): string {
  const plain = `${l.chassis}/${l.slot}`;
  return l.label && l.label !== `Slot ${l.slot}` ? `${plain} (${l.label})` : plain;
}

const round = (x: number): string => String(Math.round(x * 1000) / 1000);

export function registerInventory(cli: Command): void {
  remoteOptions(
    cli
      .command('blades')
      .description('blades of a running controller: state, health, power, location, workload, resources')
      .option('--state <state>', 'only blades in this state (active, standby, failed, maintenance)')
      .option('--chassis <id>', 'only blades in this chassis'),
  ).action(async (o: RemoteFlags & { state?: string; chassis?: string }) => {
    const blades = await all<Blade>(remoteOf(o), `/api/v1/blades${query({ state: o.state, chassis: o.chassis })}`);
    if (o.json) return printJson(blades);
    process.stdout.write(`${bladeRows(blades)}\n${blades.length} blade${blades.length === 1 ? '' : 's'}\n`);
  });

  remoteOptions(
    cli.command('pool').description('the standby pool of a running controller (the patent’s Table 4)'),
  ).action(async (o: RemoteFlags) => {
    const pool = await call<{ items: Blade[]; size: number }>(remoteOf(o), 'GET', '/api/v1/pool');
    if (o.json) return printJson(pool);
    process.stdout.write(`${bladeRows(pool.items)}\n${pool.size} standby blade${pool.size === 1 ? '' : 's'}\n`);
  });

  remoteOptions(
    cli
      .command('workloads')
      .description('workloads of a running controller, with the fit of each on its blade')
      .option('--state <state>', 'only workloads in this state (running, pending, transferring, finished)'),
  ).action(async (o: RemoteFlags & { state?: string }) => {
    const workloads = await all<Workload>(remoteOf(o), `/api/v1/workloads${query({ state: o.state })}`);
    if (o.json) return printJson(workloads);
    const rows = workloads.map((w) => [
      w.id,
      w.state,
      w.blade ?? '-',
      w.fit ? shortFit(w.fit) : (w.pendingReason ?? '-'),
      String(w.priority),
      resourcesText(w.requirements),
    ]);
    process.stdout.write(
      `${table(['workload', 'state', 'blade', 'fit', 'priority', 'requirements'], rows)}\n${workloads.length} workload${workloads.length === 1 ? '' : 's'}\n`,
    );
  });

  remoteOptions(
    cli
      .command('candidates')
      .description(
        'active blades that do not fit their workload exactly (the patent’s Table 3), and the move planned for each',
      ),
  ).action(async (o: RemoteFlags) => {
    const c = await call<Candidates>(remoteOf(o), 'GET', '/api/v1/candidates');
    if (o.json) return printJson(c);
    const rows = c.items.map((x) => [
      x.workload,
      x.blade,
      shortFit(x.fit),
      x.frozen ? 'yes' : 'no',
      x.move ? `-> ${x.move.to} (${shortFit(x.move.after)}, saving ${round(x.move.saving)})` : '-',
    ]);
    process.stdout.write(`${table(['workload', 'blade', 'fit', 'frozen', 'planned move'], rows)}\n`);
    process.stdout.write(
      `${c.items.length} candidate${c.items.length === 1 ? '' : 's'} of ${c.totals.running} running; total surplus ${round(c.totals.surplus)}, deficit ${round(c.totals.deficit)}\n`,
    );
  });
}
