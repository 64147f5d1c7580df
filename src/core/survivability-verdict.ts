// The survivability verdict in one line: what the data center survives, and the worst thing it does not.
import type { KindResult, LeftWorkload, SurvivabilityReport, WeakCombination } from './survivability.js';

type ReportBody = Omit<SurvivabilityReport, 'verdict'>;

export function verdictOf(report: ReportBody): string {
  if (report.running === 0) return 'nothing is running: there is nothing to lose';
  if (report.k === 0) return 'no failures checked (k = 0)';
  const parts: string[] = [];
  const survived = report.kinds
    .filter((r) => r.survives > 0 && r.domains > 0)
    .map((r) => `any ${failures(r.survives, r.kind)}${r.exact ? '' : ' (larger levels not checked: too many)'}`);
  if (survived.length > 0) parts.push(`survives ${joinAnd(survived)}`);
  const absent = report.kinds.filter((r) => r.domains === 0).map((r) => r.kind);
  const worst = weakestOf(report.kinds);
  if (worst !== undefined) parts.push(`does not survive ${combinationText(worst)}${leftText(worst)}`);
  else if (survived.length === 0) parts.push('no failure domain to check');
  if (absent.length > 0) parts.push(`no ${joinAnd(absent)} domains known`);
  if (report.unprotected.length > 0) {
    const first = report.unprotected[0]!;
    const more = report.unprotected.length > 1 ? ` and ${report.unprotected.length - 1} more` : '';
    parts.push(`unprotected: ${first.workload} (priority ${first.priority}, needs ${first.needs})${more}`);
  }
  return parts.join('; ');
}

/** The combination to name first: fewest domains, then most workloads left without a blade. */
export function weakestOf(kinds: readonly KindResult[]): WeakCombination | undefined {
  let best: WeakCombination | undefined;
  for (const result of kinds) {
    for (const c of result.weakest) {
      const fewer = best === undefined || c.domains.length < best.domains.length;
      if (fewer || (c.domains.length === best!.domains.length && c.left.length > best!.left.length)) best = c;
    }
  }
  return best;
}

export function domainText(kind: string, id: string): string {
  return `${kind} ${id}`;
}

export function combinationText(c: WeakCombination): string {
  return c.domains.map((id) => domainText(c.kind, id)).join(' + ');
}

/** " (w0412 priority 3 has no cpuArch aarch64 standby left)", or the count and the first few when several are. */
export function leftText(c: WeakCombination): string {
  if (c.left.length === 0) return '';
  const first = c.left[0]!;
  const head = `${first.workload} priority ${first.priority} ${reasonText(first)}`;
  if (c.left.length === 1) return ` (${head})`;
  const others = c.left.slice(1, 3).map((l) => l.workload);
  const rest = c.left.length - 1 - others.length;
  const also = `${others.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
  return ` (${c.left.length} workloads left without a blade: ${head}; also ${also})`;
}

export function reasonText(left: LeftWorkload): string {
  if (left.reason === 'no-standby') return 'has no standby blade left';
  if (left.reason === 'no-feasible-standby') {
    const offers = /^no standby blade offers (.*?)( \(e\.g\..*)?$/.exec(left.detail)?.[1];
    return offers === undefined ? left.detail : `has no ${offers} standby left`;
  }
  return left.detail.replace(/^every fitting standby blade went to/, 'loses every fitting standby blade to');
}

function failures(n: number, kind: string): string {
  return `${n} ${kind} failure${n === 1 ? '' : 's'}`;
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)!}`;
}
