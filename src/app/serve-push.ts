// The push-event listener of `cascade serve` (config `push:`): one receiver for every Redfish endpoint, each at its
// own path, with the secret from the file or the environment, or a fresh random one per start (subscriptions are
// made again on every start, so nobody else needs to know it).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { PushOptions } from '../adapters/redfish/redfish-push.js';
import { startPushReceiver, type PushReceiver } from '../adapters/redfish/redfish-push-receiver.js';
import { ConfigError, secretOf, type ServeConfig } from './config.js';
import type { Logger } from './logging.js';

export interface ServePush {
  readonly receiver: PushReceiver;
  readonly secret: string;
  /** The subscription a service named `name` makes. */
  optionsFor(name: string): PushOptions;
}

export async function startServePush(section: NonNullable<ServeConfig['push']>, logger: Logger): Promise<ServePush> {
  const secret =
    section.secret !== undefined || section.secretEnv !== undefined
      ? secretOf(section, 'secret', 'push')
      : randomBytes(24).toString('hex');
  const tls = section.tls
    ? { cert: await pem(section.tls.certFile, 'certFile'), key: await pem(section.tls.keyFile, 'keyFile') }
    : undefined;
  let receiver: PushReceiver;
  try {
    receiver = await startPushReceiver({
      host: section.listen.host,
      port: section.listen.port,
      path: section.listen.path,
      secret,
      ...(tls ? { tls } : {}),
      ...(section.url ? { publicUrl: section.url } : {}),
      log: (level, msg) => logger[level](msg),
    });
  } catch (error) {
    throw new ConfigError(
      `push.listen: cannot listen on ${section.listen.host}:${section.listen.port} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!tls && section.listen.host !== '127.0.0.1' && section.listen.host !== '::1') {
    logger.warn(
      { url: receiver.url },
      'push events arrive without TLS: the secret crosses the network in clear (set push.tls)',
    );
  }
  logger.info(
    { url: `${receiver.url}${section.listen.path}` },
    `push events listener on ${receiver.url}${section.listen.path}`,
  );
  return {
    receiver,
    secret,
    optionsFor: (name) => ({ destination: receiver.destinationOf(name), secret, secretIn: section.secretIn }),
  };
}

async function pem(file: string, field: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(`push.tls.${field}: cannot read ${file}`);
  }
}
