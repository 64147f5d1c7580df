// The `cascade serve` configuration: a YAML file validated with zod, secrets from the file or the environment,
// and the defaults that make no file at all mean "an emulated data center on this machine".
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { detectionSchema } from '../wire/detection.js';
import { idSchema } from '../wire/ids.js';
import { policySchema } from '../wire/policy.js';
import { emulator, envName, host, ms, port, push, redfishEndpoint, secretText } from './config-sections.js';
import { checkDriverSections, type DriverSections } from './driver-sections.js';
import { notificationsSchema } from '../notify/notify-config.js';
import { checkFencing, type FencingSection } from './fencing-config.js';

/** The one policy schema, as scenario files and the API have it. */
const policy = policySchema;

export const configSchema = z
  .object({
    /** Directory of the store, the emulated world and serve.json; relative to the working directory. */
    data: z.string().min(1).default('./data'),
    /** The store (a SQLite path, sqlite:PATH, or a postgres:// URL; see openStore); default <data>/cascade.db. */
    db: z.string().trim().min(1, 'expected a SQLite file path or a postgres:// URL').optional(),
    /** Several controllers on one store; only the lease holder reconciles (see README, "Several controllers"). */
    ha: z
      .object({
        enabled: z.boolean().default(false),
        leaseTtlMs: z.number().int().min(1_000).max(600_000).default(15_000),
        holder: z.string().min(1).max(200).optional(),
      })
      .strict()
      .default({ enabled: false, leaseTtlMs: 15_000 }),
    listen: z
      .object({
        api: z
          .object({
            host: host.default('127.0.0.1'),
            port: port.default(8080),
            /** PEM files; with them the API speaks HTTPS only. Relative to the config file. */
            tls: z
              .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
              .strict()
              .optional(),
          })
          .strict()
          .default({ host: '127.0.0.1', port: 8080 }),
      })
      .strict()
      .default({ api: { host: '127.0.0.1', port: 8080 } }),
    emulator: emulator.default(emulator.parse({})),
    redfish: z.array(redfishEndpoint).default([]),
    push: push.optional(),
    /** The hypervisor and SAN API when the emulator is off: today only the emulator's own (a remote one). */
    workloads: z
      .object({ emulatorUrl: z.string().url(), token: secretText.optional(), tokenEnv: envName.optional() })
      .strict()
      .optional(),
    /** Blades over IPMI and workloads as libvirt domains; checked by the drivers' own schemas (driver-sections.ts). */
    ipmi: z.unknown().optional(),
    libvirt: z.unknown().optional(),
    /** Fencing devices and each blade's ordered levels; checked by fencing-config.ts. */
    fencing: z.unknown().optional(),
    controller: z
      .object({
        /** How often every blade's status is read without events. */
        pollMs: ms(3_600_000).default(2_000),
        /** How often every running workload is checkpointed. */
        checkpointMs: ms(86_400_000).default(30_000),
        /**
         * How often the hardware is asked for blades the store does not know (a BMC that did not answer the last
         * inventory, a blade whose Redfish event was lost), and the workloads running on them are adopted; 0: never.
         */
        discoverMs: ms(86_400_000).default(30_000),
        /** Deadline of one driver call, and how often a power change is polled for. */
        callMs: z.number().int().min(10).max(600_000).default(10_000),
        powerPollMs: z.number().int().min(10).max(60_000).default(250),
        /** How long a failover's target may take to power on before the next-best blade is tried. */
        powerOnMs: z.number().int().min(100).max(600_000).default(30_000),
        /** Deadline of a whole transfer step, and the backoff between its attempts (default: live timing). */
        stepMs: z.number().int().min(100).max(3_600_000).optional(),
        backoffMs: z.number().int().min(1).max(600_000).optional(),
        maxBackoffMs: z.number().int().min(1).max(3_600_000).optional(),
      })
      .strict()
      .default({
        pollMs: 2_000,
        checkpointMs: 30_000,
        discoverMs: 30_000,
        callMs: 10_000,
        powerPollMs: 250,
        powerOnMs: 30_000,
      }),
    /** Failure detection: when a suspect blade (management path lost) whose workload is silent too counts as failed. */
    // Left out: the emulator's scenario may give it, else DEFAULT_DETECTION (serve.ts).
    detection: detectionSchema.optional(),
    /** Written to the store on the first start; later the stored policy rules. */
    policy: policy.default({}),
    /** Failure-domain labels the blades' own locations lack: label -> blade or chassis id -> value (powerFeed: { c01: A }). */
    domains: z.record(z.string().min(1), z.record(idSchema, z.string().min(1))).default({}),
    /** Where alarm changes are sent (webhooks, alert scripts); none when absent. */
    notifications: notificationsSchema.optional(),
    /** A running transfer on one step for longer than this raises transfer.stuck. */
    alarms: z
      .object({ transferStuckSeconds: z.number().int().min(1).max(86_400).default(300) })
      .strict()
      .default({ transferStuckSeconds: 300 }),
    log: z
      .object({
        level: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
        format: z.enum(['json', 'text']).optional(),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type ServeConfig = Omit<z.infer<typeof configSchema>, 'ipmi' | 'libvirt' | 'fencing'> &
  DriverSections & { readonly fencing?: FencingSection };
export type RedfishConfig = z.infer<typeof redfishEndpoint>;

export class ConfigError extends Error {}

/** Validates raw config; `origin` names the file in messages. Relative paths in the file are taken from its folder. */
export function parseConfig(raw: unknown, origin: string, baseDir?: string): ServeConfig {
  const parsed = configSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(top level)';
    throw new ConfigError(`${origin}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  // The ipmi: and libvirt: sections, one line naming the field when wrong; IPMI blades turn the emulator off too.
  const drivers = checkDriverSections(config, baseDir);
  if (!drivers.ok) throw new ConfigError(`${origin}: ${drivers.message}`);
  const { ipmi, libvirt } = drivers.value;
  const fencing = config.fencing === undefined ? null : checkFencing(config.fencing, baseDir);
  if (fencing && !fencing.ok) throw new ConfigError(`${origin}: ${fencing.message}`);
  const enabled = config.emulator.enabled ?? (config.redfish.length === 0 && !ipmi);
  if (!enabled && config.redfish.length === 0 && !ipmi)
    throw new ConfigError(`${origin}: redfish: no endpoints, and the emulator is disabled: nothing to manage`);
  if (ipmi && (enabled || config.redfish.length > 0))
    throw new ConfigError(
      `${origin}: ipmi: cannot be combined with redfish endpoints or the emulator (emulator.enabled: false)`,
    );
  if (libvirt && enabled)
    throw new ConfigError(`${origin}: libvirt: the emulator runs its own workloads: set emulator.enabled: false`);
  if (!enabled && !config.workloads && !libvirt) {
    throw new ConfigError(
      `${origin}: workloads: with the emulator off, name the hypervisor: a libvirt: section, or the emulator's API (workloads.emulatorUrl)`,
    );
  }
  const at = (path: string | undefined): string | undefined =>
    path === undefined || isAbsolute(path) || !baseDir ? path : resolve(baseDir, path);
  const { ipmi: _rawIpmi, libvirt: _rawLibvirt, fencing: _rawFencing, ...rest } = config;
  return {
    ...rest,
    ...drivers.value,
    ...(fencing?.ok ? { fencing: fencing.value } : {}),
    emulator: {
      ...config.emulator,
      enabled,
      ...(config.emulator.scenario ? { scenario: at(config.emulator.scenario) } : {}),
    },
    redfish: config.redfish.map((r) => (r.tls?.caFile ? { ...r, tls: { ...r.tls, caFile: at(r.tls.caFile) } } : r)),
    ...(config.push?.tls
      ? {
          push: {
            ...config.push,
            tls: { certFile: at(config.push.tls.certFile)!, keyFile: at(config.push.tls.keyFile)! },
          },
        }
      : {}),
    // The API's certificate and key, from the config file's folder like every other path.
    ...(config.listen.api.tls
      ? {
          listen: {
            api: {
              ...config.listen.api,
              tls: { certFile: at(config.listen.api.tls.certFile)!, keyFile: at(config.listen.api.tls.keyFile)! },
            },
          },
        }
      : {}),
  };
}

export async function loadConfig(file: string): Promise<ServeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `${file}: cannot read the file (${error instanceof Error && 'code' in error ? String(error.code) : 'unreadable'})`,
    );
  }
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${file}: not YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    );
  }
  return parseConfig(raw, file, dirname(resolve(file)));
}

/** A secret from the file or the environment; the message names where it was looked for, never its value. */
export function secretOf(
  holder: Readonly<Record<string, unknown>>,
  what: string,
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const inline = holder[what];
  if (typeof inline === 'string') return inline;
  const variable = holder[`${what}Env`];
  if (typeof variable === 'string') {
    const value = env[variable];
    if (value === undefined || value === '')
      throw new ConfigError(`${where}.${what}Env: environment variable ${variable} is not set`);
    return value;
  }
  throw new ConfigError(`${where}: give ${what} or ${what}Env`);
}
