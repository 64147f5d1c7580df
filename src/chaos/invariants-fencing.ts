// The chaos run's fencing invariants: from the emulator's history, no start beside a faulty blade still on; from the
// controller's records, no failover started before its fence succeeded.
import type { HistoryEntry } from '../adapters/fake/world-state.js';
import type { TransferRecord } from '../ports/store.js';
import type { ChaosViolation } from './invariants.js';

interface BladeFacts {
  power: 'on' | 'off';
  failed: boolean;
  critical: boolean;
  unreachable: boolean;
}

/**
 * No blade was started before its source was fenced: a workload never starts on a new blade while the blade it last
 * ran on is faulty (failed, critical or unreachable) and still on; and no blade holding a workload's boot storage is
 * powered on (it would boot the workload) while that workload's last blade is faulty and still on. Powering on an
 * empty blade, without the workload's storage, is no start; and a workload the controller captured (quiesced) on
 * its last blade cannot run there any more, so a cascade that captured it before the blade went bad needs no fence.
 * (The fakes' fenceViolations is stricter: it flags any power-on of the next target after the fault, even an empty
 * one a cascade prepared before the failover began.)
 */
export function fenceRule(history: readonly HistoryEntry[]): ChaosViolation[] {
  const blades = new Map<string, BladeFacts>();
  const attached = new Map<string, string>();
  const lastBlade = new Map<string, string>();
  const captured = new Set<string>();
  const found: ChaosViolation[] = [];
  const facts = (id: string): BladeFacts => {
    let f = blades.get(id);
    if (!f) {
      f = { power: 'on', failed: false, critical: false, unreachable: false };
      blades.set(id, f);
    }
    return f;
  };
  const unfenced = (id: string | undefined): boolean => {
    if (id === undefined) return false;
    const f = facts(id);
    return f.power === 'on' && (f.failed || f.critical || f.unreachable);
  };
  for (const e of history) {
    switch (e.kind) {
      case 'blade-added':
        blades.set(e.blade, { power: e.power, failed: false, critical: e.health === 'critical', unreachable: false });
        break;
      case 'blade-removed':
        blades.set(e.blade, { power: 'off', failed: false, critical: false, unreachable: false });
        break;
      case 'power-effective':
        facts(e.blade).power = e.power;
        break;
      case 'health':
        facts(e.blade).critical = e.health === 'critical';
        break;
      case 'reachable':
        facts(e.blade).unreachable = e.reachable !== 'yes';
        break;
      case 'fault':
        if (e.fault === 'fail') facts(e.blade).failed = true;
        if (e.fault === 'repair') facts(e.blade).failed = false;
        break;
      case 'attached':
        attached.set(e.workload, e.blade);
        break;
      case 'power-requested':
        if (e.power !== 'on') break;
        for (const [workload, blade] of attached) {
          const last = lastBlade.get(workload);
          if (
            blade === e.blade &&
            last !== undefined &&
            last !== e.blade &&
            !captured.has(workload) &&
            unfenced(last)
          ) {
            found.push({
              rule: 'fence',
              subject: workload,
              message: `${e.blade}, holding ${workload}'s boot storage, was powered on at ${e.at} while ${last}, where ${workload} last ran, was faulty and not yet fenced`,
            });
          }
        }
        break;
      case 'started': {
        const last = lastBlade.get(e.workload);
        if (last !== undefined && last !== e.blade && !captured.has(e.workload) && unfenced(last)) {
          found.push({
            rule: 'fence',
            subject: e.workload,
            message: `${e.workload} started on ${e.blade} at ${e.at} while ${last}, where it last ran, was faulty and not yet fenced`,
          });
        }
        lastBlade.set(e.workload, e.blade);
        captured.delete(e.workload);
        break;
      }
      case 'stopped':
        if (e.why === 'captured') captured.add(e.workload);
        break;
      case 'detached':
        // A storage fence: the SAN no longer presents the boot disk to that blade, so the workload cannot run there.
        if (lastBlade.get(e.workload) === e.blade) captured.add(e.workload);
        break;
      case 'migrated':
        lastBlade.set(e.workload, e.to);
        captured.delete(e.workload);
        break;
      default:
        break;
    }
  }
  return found;
}

/** From the controller's own records: no failover ran its start step before its fence had succeeded. */
export function fenceOrder(transfers: readonly TransferRecord[]): ChaosViolation[] {
  const found: ChaosViolation[] = [];
  for (const t of transfers) {
    if (t.kind !== 'failover') continue;
    const start = t.steps.findIndex((s) => s.name === 'start');
    const fenced = t.steps.findIndex((s) => s.name === 'fence' && s.status === 'succeeded');
    if (start >= 0 && (fenced < 0 || fenced > start))
      found.push({
        rule: 'fence',
        subject: t.id,
        message: `failover ${t.id} of ${t.workload} started ${t.to} before the fence of ${t.from ?? '?'} succeeded`,
      });
  }
  return found;
}
