// Mounts the HTTP API on a started `cascade serve`: config.listen.api, TLS when configured, and every
// driver secret the configuration holds redacted from answers, streams and the API's log lines.
import { parseIpmiConfig } from '../adapters/ipmi/index.js';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApi } from '../api/server.js';
import { mountDashboard } from '../dashboard/assets.js';
import type { Emulator } from '../emulator/server.js';
import type { Controller } from '../orchestrator/controller.js';
import type { CommitFeed } from '../ports/commit-feed.js';
import type { Store } from '../ports/store.js';
import { ConfigError, secretOf, type ServeConfig } from './config.js';
import { emulatorApiHooks } from './emulator-hooks.js';
import { Notifier } from '../notify/notifier.js';
import { systemClock } from '../ports/clock.js';
import type { LeaseView } from '../ports/lease.js';

export interface MountedApi {
  /** http(s)://host:port, with the port actually bound (config port 0: any free one). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function mountApi(o: {
  readonly config: ServeConfig;
  readonly controller: Controller;
  readonly store: Store;
  readonly commits: CommitFeed;
  readonly logger: Logger;
  readonly emulator: Emulator | null;
  /** Per hardware endpoint, for /readyz. */
  readonly endpoints?: () => Readonly<Record<string, string>>;
  /** With several controllers: the leadership lease, so a standby can raise leadership.lost. */
  readonly lease?: () => Promise<LeaseView | null>;
}): Promise<MountedApi> {
  const { host, port, tls } = o.config.listen.api;
  const api = createApi({
    controller: o.controller,
    store: o.store,
    commits: o.commits,
    logger: o.logger,
    secrets: secretsOf(o.config, o.emulator),
    ...(o.endpoints ? { endpoints: o.endpoints } : {}),
    survivability: { labels: o.config.domains, watch: true },
    alarms: { stuckAfterMs: o.config.alarms.transferStuckSeconds * 1000, ...(o.lease ? { lease: o.lease } : {}) },
    ...(tls ? { tls: await certificate(tls.certFile, tls.keyFile) } : {}),
    ...(o.emulator ? { emulator: emulatorApiHooks(o.emulator.world, o.emulator.faults, o.controller, o.logger) } : {}), // more hooks
  });
  // The dashboard's page and scripts, at / and /dashboard/, on the same server as the API it calls.
  mountDashboard(api.app, { warn: (message) => o.logger.warn(message) });
  await api.app.listen({ host, port });
  // Alarm changes out to webhooks and alert scripts, from the log's head now; of the past, open alarms not delivered.
  const notifier = o.config.notifications
    ? new Notifier({
        store: o.store,
        tail: api.tail,
        clock: systemClock,
        config: o.config.notifications,
        leads: () => o.controller.isRunning(),
        committedHere: (seq) => api.alarms.committedHere(seq),
        log: (level, message) => o.logger[level](message),
      })
    : null;
  notifier?.start(api.tail.head());
  const bound = (api.app.server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  if (!tls && host !== '127.0.0.1' && host !== '::1' && host !== 'localhost') {
    o.logger.warn(
      { host },
      'the API listens beyond this machine without TLS: bearer tokens cross the network in clear (set listen.api.tls)',
    );
  }
  o.logger.info({ url, openapi: `${url}/openapi.json` }, `API listening on ${url}`);
  return {
    url,
    port: bound,
    close: async () => {
      notifier?.stop();
      await api.app.close();
    },
  };
}

/** Every credential the configuration names: passwords, usernames' secrets, control tokens. */
function secretsOf(config: ServeConfig, emulator: Emulator | null): string[] {
  const secrets: string[] = [];
  const add = (read: () => string): void => {
    try {
      secrets.push(read());
    } catch {
      /* not configured: nothing to redact */
    }
  };
  config.redfish.forEach((r, index) => {
    add(() => secretOf(r, 'password', `redfish[${index}]`));
  });
  if (config.workloads?.token !== undefined || config.workloads?.tokenEnv !== undefined)
    add(() => secretOf(config.workloads!, 'token', 'workloads'));
  // The BMCs' IPMI passwords (from passwordEnv/passwordFile), redacted like the others.
  if (config.ipmi) {
    const ipmi = parseIpmiConfig(config.ipmi);
    if (ipmi.ok) for (const blade of ipmi.value.blades) secrets.push(blade.bmc.password);
  }
  if (config.push?.secret !== undefined || config.push?.secretEnv !== undefined)
    add(() => secretOf(config.push!, 'secret', 'push'));
  if (emulator) {
    secrets.push(emulator.credentials.password);
    if (emulator.controlToken) secrets.push(emulator.controlToken);
  }
  return secrets;
}

async function certificate(certFile: string, keyFile: string): Promise<{ cert: string; key: string }> {
  const read = async (file: string, field: string): Promise<string> => {
    try {
      return await readFile(file, 'utf8');
    } catch {
      throw new ConfigError(`listen.api.tls.${field}: cannot read ${file}`);
    }
  };
  return { cert: await read(certFile, 'certFile'), key: await read(keyFile, 'keyFile') };
}
