// Names and slot labels from the BMC are shown next to the blade id: in the API's blade view (which the dashboard
// renders) and in `cascade blades`.
import { describe, expect, it } from 'vitest';
import { toBladeView } from '../../api/views.js';
import { bladeRows } from './inventory.js';

const record = {
  id: '529QB9450R6',
  resources: { memoryGiB: 64 },
  state: 'standby' as const,
  power: 'off' as const,
  health: 'ok' as const,
  endpoint: 'driver',
  name: 'Bladed System',
  location: { chassis: 'MultiBladeEncl', slot: 1, label: 'Blade 1' },
};

describe('blade names and slot labels', () => {
  it('the API view carries them, and leaves them out when the driver gave none', () => {
    expect(toBladeView(record, null)).toMatchObject({
      name: 'Bladed System',
      location: { chassis: 'MultiBladeEncl', slot: 1, label: 'Blade 1' },
    });
    const { name: _name, location: _location, ...bare } = record;
    const view = toBladeView({ ...bare, location: { chassis: 'c1', slot: 3 } }, null);
    expect(view.location).toEqual({ chassis: 'c1', slot: 3 });
    expect('name' in view).toBe(false);
  });

  it('cascade blades shows the name beside the id and the printed slot label', () => {
    const text = bladeRows([{ ...toBladeView(record, null) }]);
    expect(text).toMatch(
      /\n529QB9450R6 \(Bladed System\)\s+standby\s+ok\s+off\s+MultiBladeEncl\/1 \(Blade 1\)\s+-\s+memoryGiB=64$/,
    );
  });
});
