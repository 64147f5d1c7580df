// `cascade drivers check FILE`: validates a site file's redfish:, ipmi: and libvirt: sections, then asks every
// Redfish service, BMC and hypervisor host what it sees, so an operator finds a wrong address or password before the
// controller does.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import YAML from 'yaml';
import { formatConfigError } from '../../adapters/driver-config.js';
import { IpmiError, IpmiHardware, parseIpmiConfig, type IpmiHardwareOptions } from '../../adapters/ipmi/index.js';
import { LibvirtWorkloads, parseLibvirtConfig, type LibvirtWorkloadsOptions } from '../../adapters/libvirt/index.js';
import { CliError } from '../cli-error.js';
import { table } from '../table.js';
import { levelProblems } from '../../app/fencing-check.js';
import { checkFencingLevels, fencingReport, parseFencingSection } from './drivers-fencing.js';
import { checkRedfish, parseRedfishSection, resourceText, type RedfishEndpointCheck } from './drivers-redfish.js';

interface BladeCheck {
  readonly blade: string;
  readonly bmc: string;
  readonly power: string;
  readonly health: string;
  readonly note: string;
  readonly ok: boolean;
}

interface WorkloadCheck {
  readonly blade: string;
  readonly uri: string;
  readonly workload: string;
  readonly requirements: string;
  readonly ok: boolean;
}

export function registerDrivers(cli: Command): void {
  const drivers = cli
    .command('drivers')
    .description('the real drivers: Redfish and IPMI for blades, libvirt for workloads');
  drivers
    .command('check')
    .description(
      "validate a site file's redfish:, ipmi:, libvirt: and fencing: sections, then ask every service, BMC, hypervisor host and fencing device what it sees, read-only (exit 1 if any cannot be managed)",
    )
    .argument('<file>', 'site file (YAML) with a redfish:, ipmi: and/or libvirt: section; other sections are ignored')
    .option('--json', 'print JSON instead of tables')
    .action(async (file: string, options: { json?: boolean }) => {
      const site = await readSite(file);
      const redfish = site.redfish.length > 0 ? await checkRedfish(site.redfish) : [];
      const blades = site.ipmi ? await checkBlades(site.ipmi) : [];
      const workloads = site.libvirt ? await checkHosts(site.libvirt) : [];
      const bmcOk = (blade: string): boolean | null => {
        const seen = [
          ...redfish.flatMap((e) => e.blades.filter((b) => b.blade === blade)),
          ...blades.filter((b) => b.blade === blade),
        ];
        return seen.length === 0 ? null : seen.some((b) => b.ok);
      };
      const fencing = site.fencing ? await checkFencingLevels(site.fencing, bmcOk) : null;
      if (options.json)
        process.stdout.write(
          `${JSON.stringify({ redfish, blades, workloads, ...(fencing ? { fencing } : {}) }, null, 2)}\n`,
        );
      else process.stdout.write(redfishReport(redfish) + report(blades, workloads) + fencingReport(fencing));
      const unmanaged = redfish.flatMap((e) => [
        ...(e.problem ? [`${e.endpoint}: ${e.problem}`] : []),
        ...e.blades.filter((b) => !b.ok).map((b) => `${e.endpoint} ${b.blade}: ${b.note}`),
      ]);
      if (unmanaged.length > 0) throw new CliError(`${file}: cannot be managed: ${unmanaged.join('; ')}`, 1);
      if ([...blades, ...workloads].some((c) => !c.ok))
        throw new CliError(`${file}: some BMCs or hypervisor hosts did not answer as configured (above)`, 1);
      const dead = fencing ? levelProblems(fencing) : [];
      if (dead.length > 0) throw new CliError(`${file}: fencing levels that did not answer: ${dead.join('; ')}`, 1);
    });
}

function redfishReport(endpoints: readonly RedfishEndpointCheck[]): string {
  if (endpoints.length === 0) return '';
  const parts: string[] = [];
  for (const e of endpoints) {
    parts.push(
      `Redfish ${e.endpoint} (${e.url}): ${e.problem ?? `${e.blades.length} System(s)`}`,
      `  auth: ${e.auth}`,
      `  events: ${e.events}`,
    );
  }
  const rows = endpoints.flatMap((e) =>
    e.blades.map((b) => [
      b.endpoint,
      b.blade,
      b.name,
      b.slot,
      resourceText(b.resources),
      b.power,
      b.health,
      b.state,
      b.reset,
      b.note,
    ]),
  );
  if (rows.length > 0)
    parts.push(
      table(['endpoint', 'blade', 'name', 'slot', 'resources', 'power', 'health', 'state', 'reset', 'note'], rows),
    );
  return `${parts.join('\n')}\n\n`;
}

interface Site {
  readonly redfish: ReturnType<typeof parseRedfishSection>;
  readonly ipmi: IpmiHardwareOptions | null;
  readonly libvirt: LibvirtWorkloadsOptions | null;
  readonly fencing: ReturnType<typeof parseFencingSection> | null;
}

async function readSite(file: string): Promise<Site> {
  let raw: unknown;
  try {
    raw = YAML.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new CliError(
      `${file}: cannot read it as YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  const doc = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  if (doc.ipmi === undefined && doc.libvirt === undefined && doc.redfish === undefined && doc.fencing === undefined) {
    throw new CliError(`${file}: no redfish:, ipmi:, libvirt: or fencing: section`);
  }
  const redfish = doc.redfish === undefined ? [] : parseRedfishSection(doc.redfish, file, dirname(resolve(file)));
  const ipmi = doc.ipmi === undefined ? null : parseIpmiConfig(doc.ipmi);
  if (ipmi && !ipmi.ok) throw new CliError(`${file}: ${formatConfigError(ipmi.error)}`);
  const libvirt = doc.libvirt === undefined ? null : parseLibvirtConfig(doc.libvirt);
  if (libvirt && !libvirt.ok) throw new CliError(`${file}: ${formatConfigError(libvirt.error)}`);
  const fencing = doc.fencing === undefined ? null : parseFencingSection(doc.fencing, file);
  return { redfish, ipmi: ipmi?.value ?? null, libvirt: libvirt?.value ?? null, fencing };
}

async function checkBlades(options: IpmiHardwareOptions): Promise<BladeCheck[]> {
  const port = new IpmiHardware(options);
  return Promise.all(
    options.blades.map(async (b): Promise<BladeCheck> => {
      const bmc = `${b.bmc.host}:${b.bmc.port}`;
      try {
        const report = await port.healthReport(b.id, 3);
        return {
          blade: b.id,
          bmc,
          power: report.power,
          health: report.health,
          note: report.reasons.join('; '),
          ok: true,
        };
      } catch (error) {
        // The error's code says which: the BMC refused the login, did not answer, or failed the command.
        const code = error instanceof IpmiError ? error.code : 'error';
        return {
          blade: b.id,
          bmc,
          power: '-',
          health: code,
          note: error instanceof Error ? error.message : String(error),
          ok: false,
        };
      }
    }),
  );
}

async function checkHosts(options: LibvirtWorkloadsOptions): Promise<WorkloadCheck[]> {
  const port = new LibvirtWorkloads({ ...options, callTimeoutMs: options.callTimeoutMs ?? 20_000 });
  try {
    const checks: WorkloadCheck[] = [];
    for (const host of await port.survey()) {
      if (host.error !== null)
        checks.push({ blade: host.blade, uri: host.uri, workload: '-', requirements: host.error, ok: false });
      else if (host.running.length === 0)
        checks.push({ blade: host.blade, uri: host.uri, workload: '-', requirements: 'no running domain', ok: true });
      for (const domain of host.running) {
        try {
          const declared = await port.declared(domain.id);
          const text = Object.entries(declared?.requirements ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(' ');
          checks.push({ blade: host.blade, uri: host.uri, workload: domain.id, requirements: text, ok: true });
        } catch (error) {
          checks.push({
            blade: host.blade,
            uri: host.uri,
            workload: domain.id,
            requirements: error instanceof Error ? error.message : String(error),
            ok: false,
          });
        }
      }
    }
    return checks;
  } finally {
    await port.close();
  }
}

function report(blades: readonly BladeCheck[], workloads: readonly WorkloadCheck[]): string {
  const parts: string[] = [];
  if (blades.length > 0) {
    parts.push(`IPMI: ${blades.filter((b) => b.ok).length} of ${blades.length} BMCs answered`);
    parts.push(
      table(
        ['blade', 'bmc', 'power', 'health', 'note'],
        blades.map((b) => [b.blade, b.bmc, b.power, b.health, b.note]),
      ),
      '',
    );
  }
  if (workloads.length > 0) {
    const hosts = new Set(workloads.map((w) => w.blade));
    const failed = new Set(workloads.filter((w) => !w.ok).map((w) => w.blade));
    parts.push(`libvirt: ${hosts.size - failed.size} of ${hosts.size} hosts answered without error`);
    parts.push(
      table(
        ['blade', 'host', 'workload', 'requirements (from the domain XML)'],
        workloads.map((w) => [w.blade, w.uri, w.workload, w.requirements]),
      ),
      '',
    );
  }
  return `${parts.join('\n')}\n`;
}
