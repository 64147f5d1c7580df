// The plain checks may only say "valid" where the schema agrees, and must then yield what the schema yields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quickBlade, quickIdEvent, quickWorkload } from './scenario-quick.js';
import { bladeSchema, eventSchemas, workloadSchema } from './scenario-schema.js';

const scalar = fc.oneof(
  fc.constantFrom('', 'A', 'x86_64', 'active', 'standby', 'broken', 'declared', 'host', 'nope'),
  fc.constantFrom(0, -1, 1, 1.5, 1e-4, 1e-3, 1e15, 1e16, Number.NaN, Infinity, 0.5, 3),
  fc.constantFrom(null, true, undefined),
);
const resources = fc.dictionary(fc.constantFrom('', 'memoryGiB', 'cpuArch', 'storageTB'), scalar, { maxKeys: 3 });
const value = fc.oneof(
  scalar,
  resources,
  fc.constant([]),
  fc.record({ chassis: scalar, slot: scalar }, { requiredKeys: [] }),
);
const entry = (keys: string[]) => fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 5 });
// Mostly well-formed entries with one thing off now and then, so that both answers come up often.
const id = fc.constantFrom('A', 'b0001', '', 7, null);
const goodResources = fc.dictionary(
  fc.constantFrom('memoryGiB', 'cpuArch', 'storageTB'),
  fc.constantFrom(0, 1, 256, 1e-3, 'x86_64'),
  { maxKeys: 3 },
);
const anyResources = fc.oneof(goodResources, goodResources, resources, fc.constant([]));
const location = fc.oneof(
  fc.record({ chassis: fc.constantFrom('c1', ''), slot: fc.constantFrom(1, 14, 0, 1.5) }),
  value,
);
const blade = fc.record(
  {
    id,
    resources: anyResources,
    state: fc.constantFrom('active', 'standby', 'failed', 'broken', undefined),
    location,
    extra: value,
  },
  { requiredKeys: ['id', 'resources'] },
);
const workload = fc.record(
  {
    id,
    requirements: anyResources,
    blade: fc.constantFrom('A', '', null, undefined, 3),
    priority: fc.constantFrom(0, 2, -1, 1.5, Number.NaN, Infinity, '1'),
    source: fc.constantFrom('declared', 'host', 'guess', undefined),
    extra: value,
  },
  { requiredKeys: ['id', 'requirements'] },
);

describe('plain scenario checks', () => {
  it('accept a blade only where the schema does, with the same value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(blade, entry(['id', 'resources', 'state', 'location', 'extra'])), (raw) => {
        if (!quickBlade(raw)) return;
        accepted++;
        const parsed = bladeSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(raw);
      }),
      { numRuns: 20_000, seed: 3 },
    );
    expect(accepted).toBeGreaterThan(10);
  });

  it('accept a workload only where the schema does, with the same value', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(workload, entry(['id', 'requirements', 'blade', 'priority', 'source', 'extra'])), (raw) => {
        if (!quickWorkload(raw)) return;
        accepted++;
        const parsed = workloadSchema.safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(raw);
      }),
      { numRuns: 20_000, seed: 3 },
    );
    expect(accepted).toBeGreaterThan(10);
  });

  it('accept an id event only where its schema does', () => {
    fc.assert(
      fc.property(entry(['at', 'fail', 'repair', 'maintenance', 'finish', 'add', 'submit']), (raw) => {
        if (!quickIdEvent(raw)) return;
        const kind = Object.keys(raw).find((k) => k !== 'at') as 'fail' | 'repair' | 'maintenance' | 'finish';
        const parsed = eventSchemas[kind].safeParse(raw);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(raw);
      }),
      { numRuns: 20_000, seed: 3 },
    );
  });
});
