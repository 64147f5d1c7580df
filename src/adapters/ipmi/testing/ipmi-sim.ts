// Runs OpenIPMI's ipmi_sim as one emulated blade's BMC on 127.0.0.1, with the configuration this module writes.
//
// Each instance gets its own state directory, a UDP port for IPMI-over-LAN and a TCP port for ipmi_sim's
// command console (used to move a sensor into its critical range). Power is a file: ipmi_sim runs the
// chassis-control script with `set power 1|0` and `get power`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';

export interface SimBmc {
  readonly id: string;
  readonly port: number;
  readonly username: string;
  readonly password: string;
  /** Sets the CPU temperature sensor's raw reading (thresholds: 112 warning, 144 critical, 160 non-recoverable). */
  setTemperature(degrees: number): Promise<void>;
  /** Stops the simulator: the BMC stops answering. */
  stop(): Promise<void>;
}

export interface SimBmcOptions {
  readonly id: string;
  /** The directory this instance may fill. */
  readonly dir: string;
  readonly username?: string;
  readonly password?: string;
  readonly power?: 'on' | 'off';
}

const CHASSIS_SCRIPT = `#!/bin/sh
# ipmi_sim's chassis control: $1 is the power file, then "get power" or "set power 0|1".
f="$1"; op="$2"; shift 2
case "$op" in
  get) echo "power:$(cat "$f")" ;;
  set) while [ $# -gt 1 ]; do [ "$1" = power ] && echo "$2" > "$f"; shift 2; done ;;
  *) exit 1 ;;
esac
`;

/** A full sensor record (type 01) for sensor 1, a temperature with upper thresholds 112/144/160, named CPUTmp. */
const TEMPERATURE_SDR = [
  0x00, 0x00, 0x51, 0x01, 0x31, 0x20, 0x00, 0x01, 0x03, 0x01, 0x67, 0x88, 0x01, 0x01, 0xc0, 0x0f, 0xc0, 0x7f, 0x38,
  0x38, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x60, 0xb0, 0x00, 0xb0, 0x00, 0xa0, 0x90,
  0x70, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc6,
];

export async function startSimBmc(options: SimBmcOptions): Promise<SimBmc> {
  // A port found free may be taken before ipmi_sim binds it: a few fresh tries.
  let lastError: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(options, attempt);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

async function startOnce(options: SimBmcOptions, attempt: number): Promise<SimBmc> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'secret';
  const dir = join(options.dir, `${options.id}-${attempt}`);
  const state = join(dir, 'state');
  mkdirSync(state, { recursive: true });
  const [port, consolePort] = [await freeUdpPort(), await freeTcpPort()];
  const powerFile = join(dir, 'power');
  writeFileSync(powerFile, options.power === 'off' ? '0\n' : '1\n');
  const script = join(dir, 'chassis-control');
  writeFileSync(script, CHASSIS_SCRIPT);
  chmodSync(script, 0o755);
  writeFileSync(join(dir, 'lan.conf'), lanConf(options.id, port, consolePort, username, password, script, powerFile));
  writeFileSync(join(dir, 'bmc.emu'), EMU);

  const child = spawn('ipmi_sim', ['-c', join(dir, 'lan.conf'), '-f', join(dir, 'bmc.emu'), '-s', state, '-n'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  try {
    await waitForConsole(child, consolePort, () => stderr);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return {
    id: options.id,
    port,
    username,
    password,
    setTemperature: (degrees) =>
      consoleCommand(consolePort, `sensor_set_value 0x20 0 1 0x${Math.round(degrees).toString(16)} 1`),
    stop: () => stopChild(child),
  };
}

const EMU = [
  'mc_setbmc 0x20',
  'mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr',
  'sel_enable 0x20 1000 0x0a',
  'sensor_add 0x20 0 1 0x01 0x01',
  // ipmi_sim reads bare numbers as decimal: every byte is written as 0x..; the name as 'C 'P ... characters.
  `main_sdr_add 0x20 ${TEMPERATURE_SDR.map((b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ')} 'C 'P 'U 'T 'm 'p`,
  'sensor_set_value 0x20 0 1 0x30 0',
  'sensor_set_threshold 0x20 0 1 settable 111000 0xa0 0x90 0x70 00 00 00',
  'sensor_set_event_support 0x20 0 1 enable scanning per-state 000111111000000 000111111000000 000111111000000 000111111000000',
  'mc_enable 0x20',
  '',
].join('\n');

function lanConf(
  name: string,
  port: number,
  consolePort: number,
  username: string,
  password: string,
  script: string,
  powerFile: string,
): string {
  return [
    `name "${name}"`,
    'set_working_mc 0x20',
    'startlan 1',
    `  addr 127.0.0.1 ${port}`,
    '  priv_limit admin',
    '  allowed_auths_callback none md2 md5 straight',
    '  allowed_auths_user none md2 md5 straight',
    '  allowed_auths_operator none md2 md5 straight',
    '  allowed_auths_admin none md2 md5 straight',
    '  guid a123456789abcdefa123456789abcdef',
    'endlan',
    `user 2 true "${username}" "${password}" admin 10 none md2 md5 straight`,
    `chassis_control "${script} ${powerFile}"`,
    `console 127.0.0.1 ${consolePort}`,
    '',
  ].join('\n');
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** ipmi_sim opens its LAN port and its console while reading the configuration: a console that answers means ready. */
async function waitForConsole(child: ChildProcess, port: number, stderr: () => string): Promise<void> {
  const until = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`ipmi_sim exited: ${stderr().trim() || 'no message'}`);
    if (await canConnect(port)) return;
    if (Date.now() > until) throw new Error(`ipmi_sim did not open its console on port ${port}: ${stderr().trim()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends one console command and waits for the next prompt, which ipmi_sim prints once the command ran. */
function consoleCommand(port: number, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`ipmi_sim console: no answer to ${command}`));
    }, 5_000);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      seen += chunk;
      if (!sent && seen.includes('> ')) {
        sent = true;
        seen = '';
        socket.write(`${command}\n`);
      } else if (sent && seen.includes('> ')) {
        clearTimeout(timer);
        socket.end();
        resolve();
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
