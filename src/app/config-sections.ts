// The site file's Redfish, push and emulator sections as zod schemas, with the field rules the whole file shares.
import { z } from 'zod';
import { FENCE_LEVELS } from '../ports/fencing.js';

export const port = z.number().int().min(0).max(65_535);
export const host = z.string().min(1);
export const ms = (max: number) => z.number().int().min(0).max(max);
/** A secret is given in the file, or as the name of the environment variable that holds it (`...Env`). */
export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name');
export const secretText = z.string().min(1);

/** One Redfish service of the site file (also read by `cascade drivers check`). */
export const redfishEndpoint = z
  .object({
    name: z.string().min(1).optional(),
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'expected an http(s) URL')
      .refine(
        (u) => !new URL(u).username && !new URL(u).password,
        'put credentials in username/password (or their Env), not in the URL',
      ),
    /** `auto`: a session where the service root links one, else (or when the login fails) Basic. */
    auth: z.enum(['auto', 'session', 'basic']).default('auto'),
    /** Per call; real BMCs take seconds to log in or to answer a busy Systems collection. */
    timeoutMs: ms(120_000).default(10_000),
    /** How long a Reset answered 202 may run, its Task monitor followed (default 60 s). */
    taskMs: ms(600_000).optional(),
    retries: z.number().int().min(0).max(5).default(1),
    tls: z
      .object({ caFile: z.string().min(1).optional(), insecure: z.boolean().default(false) })
      .strict()
      .optional(),
  })
  .extend({
    username: secretText.optional(),
    usernameEnv: envName.optional(),
    password: secretText.optional(),
    passwordEnv: envName.optional(),
  })
  .strict();

/** Where Redfish services push their events (EventDestination subscriptions); off when absent. */
export const push = z
  .object({
    listen: z
      .object({
        host: host.default('127.0.0.1'),
        port,
        path: z
          .string()
          .regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /redfish/events')
          .default('/redfish/events'),
      })
      .strict(),
    /** How the BMCs reach this listener, when not http(s)://host:port (a NAT, the name in the certificate). */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), 'expected an http(s) URL')
      .optional(),
    /** PEM files; with them the listener speaks HTTPS. Relative to the config file. */
    tls: z
      .object({ certFile: z.string().min(1), keyFile: z.string().min(1) })
      .strict()
      .optional(),
    /** Where the BMC puts the secret: the subscription's Context (every service has it) or an HTTP header. */
    secretIn: z.enum(['context', 'header']).default('context'),
  })
  .extend({ secret: secretText.optional(), secretEnv: envName.optional() })
  .strict();

export const emulator = z
  .object({
    enabled: z.boolean().optional(),
    host: host.default('127.0.0.1'),
    port: port.default(0),
    /** The generated data center: chassis of blades of mixed sizes and CPU architectures. */
    chassis: z.number().int().min(1).max(1_000).default(4),
    bladesPerChassis: z.number().int().min(1).max(64).default(14),
    seed: z.number().int().min(0).default(1),
    /** Blades and workloads from a scenario file instead (its events are ignored). */
    scenario: z.string().min(1).optional(),
    /** How long a blade takes to power on or off. */
    powerDelayMs: ms(600_000).default(2_000),
    /** A workload's sequence grows by one every tickMs. */
    tickMs: z.number().int().min(1).max(60_000).default(100),
    /** How long a dead BMC takes to drop a connection. */
    unreachableDelayMs: ms(600_000).default(1_000),
    username: z.string().min(1).default('admin'),
    /** The fencing levels of every emulated blade, in order (a scenario blade's own `fencing` wins); default bmc. */
    fencing: z.array(z.enum(FENCE_LEVELS)).min(1).optional(),
  })
  .extend({ password: secretText.optional(), passwordEnv: envName.optional() })
  .strict();
