// The `ipmi:` section of a site whose blades are managed over IPMI: zod-validated, credentials resolved from the environment or a file.
//
// A password never sits in the site file: `passwordEnv` names an environment variable of the controller, or
// `passwordFile` a file only its owner may read (like ssh keys). Blades, their resources and locations are
// listed here because IPMI cannot tell them.
import { statSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  formatPath,
  nonEmpty,
  oneLine,
  parseConfig,
  positiveInt,
  strict,
  type ConfigResult,
} from '../driver-config.js';
import { idSchema, withNumericQuantities } from '../../wire/ids.js';
import type { IpmiBlade, IpmiHardwareOptions } from './ipmi-hardware.js';

const NON_NEGATIVE = 'expected a number >= 0';

const credentialsSchema = strict({
  username: oneLine,
  passwordEnv: z
    .string({ error: 'expected the name of an environment variable' })
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected the name of an environment variable' })
    .optional(),
  passwordFile: oneLine.optional(),
}).refine((c) => (c.passwordEnv === undefined) !== (c.passwordFile === undefined), {
  error: 'expected exactly one of passwordEnv, passwordFile',
});

const resourcesSchema = withNumericQuantities(
  z.record(
    nonEmpty,
    z.union([z.number({ error: NON_NEGATIVE }).min(0, { error: NON_NEGATIVE }), nonEmpty], {
      error: 'expected a number >= 0 or a non-empty string',
    }),
    { error: 'expected a mapping of resource names to values' },
  ),
);

const bladeSchema = strict({
  id: idSchema,
  bmc: strict({
    host: oneLine,
    port: z
      .number({ error: 'expected a port number' })
      .int()
      .min(1)
      .max(65535, { error: 'expected a port number' })
      .optional(),
  }),
  credentials: credentialsSchema.optional(),
  resources: resourcesSchema,
  location: strict({ chassis: idSchema, slot: positiveInt }).optional(),
});

export const ipmiConfigSchema = strict({
  ipmitool: oneLine.optional(),
  cipherSuite: z.number({ error: 'expected an RMCP+ cipher suite number' }).int().min(0).max(255).optional(),
  callTimeoutMs: positiveInt.optional(),
  attemptSeconds: positiveInt.optional(),
  retries: z.number({ error: 'expected an integer >= 0' }).int().min(0).optional(),
  pollMs: positiveInt.optional(),
  pollConcurrency: positiveInt.optional(),
  sensors: z.boolean({ error: 'expected true or false' }).optional(),
  credentials: credentialsSchema.optional(),
  blades: z.array(bladeSchema, { error: 'expected a list of blades' }).min(1, { error: 'expected at least one blade' }),
}).superRefine((config, ctx) => {
  const seen = new Set<string>();
  for (const [index, blade] of config.blades.entries()) {
    if (seen.has(blade.id))
      ctx.addIssue({ code: 'custom', path: ['blades', index, 'id'], message: `blade ${blade.id} is listed twice` });
    seen.add(blade.id);
    if (!blade.credentials && !config.credentials)
      ctx.addIssue({
        code: 'custom',
        path: ['blades', index, 'credentials'],
        message: 'required (or a default credentials section)',
      });
  }
});

type CredentialsInput = z.infer<typeof credentialsSchema>;

export interface SecretSources {
  readonly env: NodeJS.ProcessEnv;
  /** The file's text and its permission bits; injectable for tests. */
  readonly readSecretFile: (path: string) => { text: string; mode: number };
}

const systemSecrets: SecretSources = {
  env: process.env,
  readSecretFile: (path) => ({ text: readFileSync(path, 'utf8'), mode: statSync(path).mode }),
};

/** `prefix` names where the section sits in the site file, for the error path. */
export function parseIpmiConfig(
  input: unknown,
  secrets: SecretSources = systemSecrets,
  prefix: readonly PropertyKey[] = ['ipmi'],
): ConfigResult<IpmiHardwareOptions> {
  const parsed = parseConfig(ipmiConfigSchema, input, prefix);
  if (!parsed.ok) return parsed;
  const c = parsed.value;
  const blades: IpmiBlade[] = [];
  for (const [index, b] of c.blades.entries()) {
    const own = b.credentials !== undefined;
    const path = own ? [...prefix, 'blades', index, 'credentials'] : [...prefix, 'credentials'];
    // The schema made sure one of the two exists.
    const password = resolvePassword((b.credentials ?? c.credentials) as CredentialsInput, secrets);
    if (!password.ok)
      return { ok: false, error: { path: formatPath([...path, password.field]), message: password.message } };
    const username = (b.credentials ?? c.credentials)?.username ?? '';
    blades.push({
      id: b.id,
      bmc: {
        host: b.bmc.host,
        port: b.bmc.port ?? 623,
        username,
        password: password.value,
        cipherSuite: c.cipherSuite ?? 3,
      },
      resources: b.resources,
      ...(b.location ? { location: b.location } : {}),
    });
  }
  return {
    ok: true,
    value: {
      blades,
      ...(c.ipmitool ? { ipmitool: c.ipmitool } : {}),
      ...(c.callTimeoutMs ? { callTimeoutMs: c.callTimeoutMs } : {}),
      ...(c.attemptSeconds ? { attemptSeconds: c.attemptSeconds } : {}),
      ...(c.retries !== undefined ? { retries: c.retries } : {}),
      ...(c.pollMs ? { pollMs: c.pollMs } : {}),
      ...(c.pollConcurrency ? { pollConcurrency: c.pollConcurrency } : {}),
      ...(c.sensors !== undefined ? { sensors: c.sensors } : {}),
    },
  };
}

type Resolved = { ok: true; value: string } | { ok: false; field: string; message: string };

/** Never echoes the password in a message: only where it was looked for. */
function resolvePassword(credentials: CredentialsInput, secrets: SecretSources): Resolved {
  let value: string;
  if (credentials.passwordEnv !== undefined) {
    value = secrets.env[credentials.passwordEnv] ?? '';
    if (value === '')
      return { ok: false, field: 'passwordEnv', message: `environment variable ${credentials.passwordEnv} is not set` };
  } else {
    const file = credentials.passwordFile ?? '';
    let read: { text: string; mode: number };
    try {
      read = secrets.readSecretFile(file);
    } catch {
      return { ok: false, field: 'passwordFile', message: `cannot read ${file}` };
    }
    if ((read.mode & 0o077) !== 0)
      return { ok: false, field: 'passwordFile', message: `${file} is readable by others: chmod 600 it` };
    value = read.text.replace(/\r?\n$/, '');
    if (value === '') return { ok: false, field: 'passwordFile', message: `${file} is empty` };
  }
  if (/[\r\n\0]/.test(value))
    return {
      ok: false,
      field: credentials.passwordEnv !== undefined ? 'passwordEnv' : 'passwordFile',
      message: 'the password holds a line break',
    };
  if (Buffer.byteLength(value) > 20)
    return {
      ok: false,
      field: credentials.passwordEnv !== undefined ? 'passwordEnv' : 'passwordFile',
      message: 'the password is longer than IPMI 2.0 allows (20 bytes)',
    };
  return { ok: true, value };
}
