// Reading ipmitool's output: power, fault flags, sensors and event log, health with reasons, login refusals.
import { describe, expect, it } from 'vitest';
import { classifyIpmitool } from './ipmi-error.js';
import { judgeHealth, parseChassisStatus, parseSdr, parseSel } from './ipmi-readings.js';

// Captured from ipmitool 1.8.19 against ipmi_sim.
const CHASSIS = `System Power         : on
Power Overload       : false
Power Interlock      : inactive
Main Power Fault     : false
Power Control Fault  : false
Power Restore Policy : always-off
Last Power Event     : 
Chassis Intrusion    : inactive
Front-Panel Lockout  : inactive
Drive Fault          : false
Cooling/Fan Fault    : false`;

describe('ipmitool readings', () => {
  it('reads power and fault flags from chassis status', () => {
    expect(parseChassisStatus(CHASSIS)).toEqual({ power: 'on', faults: [] });
    const faulty = CHASSIS.replace('Main Power Fault     : false', 'Main Power Fault     : true').replace(
      'Cooling/Fan Fault    : false',
      'Cooling/Fan Fault    : true',
    );
    expect(parseChassisStatus(faulty.replace('System Power         : on', 'System Power         : off'))).toEqual({
      power: 'off',
      faults: ['Main Power Fault', 'Cooling/Fan Fault'],
    });
    expect(parseChassisStatus('Error: Unable to establish IPMI v2 / RMCP+ session')).toBeNull();
  });

  it('reads sensors and event log entries', () => {
    expect(
      parseSdr('CPUTmp           | 01h | ucr |  3.1 | 149 degrees C\nFan1             | 30h | ok  |  7.1 | 4200 RPM\n'),
    ).toEqual([
      { name: 'CPUTmp', status: 'ucr', reading: '149 degrees C' },
      { name: 'Fan1', status: 'ok', reading: '4200 RPM' },
    ]);
    const sel = parseSel(
      '   2 |  Pre-Init  |0000003501| Temperature CPUTmp | Upper Critical going high | Asserted | Reading 149 > Threshold 144 degrees C\n',
    );
    expect(sel).toEqual([
      {
        id: '2',
        when: 'Pre-Init 0000003501',
        sensor: 'Temperature CPUTmp',
        event: 'Upper Critical going high',
        direction: 'Asserted',
      },
    ]);
    expect(parseSel('SEL has no entries')).toEqual([]);
  });

  it('judges health by the worst fault or sensor, with the reasons', () => {
    const chassis = { power: 'on' as const, faults: [] };
    expect(judgeHealth(chassis, [{ name: 'Fan1', status: 'ok', reading: '' }])).toEqual({ health: 'ok', reasons: [] });
    expect(judgeHealth(chassis, [{ name: 'CPUTmp', status: 'unc', reading: '120 degrees C' }]).health).toBe('warning');
    expect(judgeHealth(chassis, [{ name: 'CPUTmp', status: 'ucr', reading: '149 degrees C' }])).toEqual({
      health: 'critical',
      reasons: ['CPUTmp ucr (149 degrees C)'],
    });
    expect(judgeHealth(chassis, [{ name: 'P1V8', status: 'lnr', reading: '0.9 Volts' }]).health).toBe('critical');
    expect(judgeHealth({ power: 'on', faults: ['Power Control Fault'] }, []).health).toBe('critical');
    expect(
      judgeHealth({ power: 'on', faults: ['Drive Fault'] }, [{ name: 'X', status: 'ns', reading: 'No Reading' }])
        .health,
    ).toBe('warning');
  });

  it("tells a refused login from a BMC that does not answer, by ipmitool's -v words", () => {
    expect(classifyIpmitool('> RAKP 2 HMAC is invalid\nError: Unable to establish IPMI v2 / RMCP+ session')).toBe(
      'auth-refused',
    );
    expect(
      classifyIpmitool(
        'RAKP 2 message indicates an error : unauthorized name\nError: Unable to establish IPMI v2 / RMCP+ session',
      ),
    ).toBe('auth-refused');
    expect(
      classifyIpmitool(
        'Get Auth Capabilities error\nError issuing Get Channel Authentication Capabilities request\nError: Unable to establish IPMI v2 / RMCP+ session',
      ),
    ).toBe('unreachable');
    expect(classifyIpmitool('Set Chassis Power Control to Down/Off failed: Invalid data field in request')).toBe(
      'command-failed',
    );
  });
});
