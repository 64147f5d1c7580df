// The Redfish drivers of `cascade serve`: one for the emulator when it runs here, and one per configured service.
import { readFile } from 'node:fs/promises';
import { RedfishHardware } from '../adapters/redfish/redfish-hardware.js';
import type { Emulator } from '../emulator/server.js';
import { ConfigError, secretOf, type ServeConfig } from './config.js';
import { logTo, type Logger } from './logging.js';
import type { ServePush } from './serve-push.js';

export async function redfishServices(
  config: ServeConfig,
  emulator: Emulator | null,
  logger: Logger,
  push: ServePush | null,
): Promise<RedfishHardware[]> {
  const services: RedfishHardware[] = [];
  // Each service hears its own pushed events; the receiver routes them by the endpoint's name.
  const withPush = (service: RedfishHardware): RedfishHardware => {
    push?.receiver.route(service.name, (payload) => void service.pushed(payload));
    services.push(service);
    return service;
  };
  if (emulator) {
    const log = logTo(logger, { endpoint: 'emulator' });
    withPush(
      new RedfishHardware({
        url: emulator.url,
        ...emulator.credentials,
        name: 'emulator',
        timeoutMs: 3_000,
        retries: 1,
        log,
        ...(push ? { push: push.optionsFor('emulator') } : {}),
      }),
    );
  }
  for (const [index, r] of config.redfish.entries()) {
    const where = `redfish[${index}]`;
    const name = r.name ?? new URL(r.url).host;
    let ca: string | undefined;
    if (r.tls?.caFile) {
      try {
        ca = await readFile(r.tls.caFile, 'utf8');
      } catch {
        throw new ConfigError(`${where}.tls.caFile: cannot read ${r.tls.caFile}`);
      }
    }
    if (r.tls?.insecure)
      logger.warn({ endpoint: name }, `${name}: TLS verification is off (tls.insecure): for a lab only`);
    withPush(
      new RedfishHardware({
        url: r.url,
        name,
        username: secretOf(r, 'username', where),
        password: secretOf(r, 'password', where),
        auth: r.auth,
        timeoutMs: r.timeoutMs,
        retries: r.retries,
        ...(r.taskMs === undefined ? {} : { taskMs: r.taskMs }),
        ...(r.tls ? { tls: { ...(ca !== undefined ? { ca } : {}), insecure: r.tls.insecure } } : {}),
        ...(push ? { push: push.optionsFor(name) } : {}),
        log: logTo(logger, { endpoint: name }),
      }),
    );
  }
  return services;
}
