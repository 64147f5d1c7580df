// A throwaway PostgreSQL cluster for tests: initdb into a temporary folder, pg_ctl on a free port, stopped at the end.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** The user the server runs as when the tests run as root: postgres refuses to run as root. */
const UNPRIVILEGED_USER = 'nobody';
const SUPERUSER = 'cascade';

export interface PgCluster {
  readonly port: number;
  /** The maintenance database of the cluster; for CREATE DATABASE and the like. */
  readonly adminUrl: string;
  /** A new, empty database; returns its URL (TCP on 127.0.0.1, as a controller on another host would connect). */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The folder with initdb and pg_ctl: $CASCADE_PG_BIN, else the newest /usr/lib/postgresql/N/bin
 * (Debian's layout; `apt-get install -y postgresql` provides it). Null when there is none.
 */
export function findPostgresBin(): string | null {
  const configured = process.env['CASCADE_PG_BIN'];
  if (configured) return existsSync(join(configured, 'pg_ctl')) ? configured : null;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter(
      (v) =>
        /^\d+$/.test(v) && existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'pg_ctl')),
    )
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** Why PostgreSQL tests cannot run here, or null when they can; for describe.skipIf and its message. */
export function postgresSkipReason(): string | null {
  if (findPostgresBin() !== null) return null;
  const configured = process.env['CASCADE_PG_BIN'];
  const where = configured
    ? `no pg_ctl in $CASCADE_PG_BIN (${configured})`
    : 'no /usr/lib/postgresql/N/bin/pg_ctl, and $CASCADE_PG_BIN is unset';
  return `PostgreSQL server binaries not found (${where}): install them with \`apt-get install -y postgresql\` to run the PostgreSQL tests`;
}

/** Starts a cluster; call stop() in afterAll. One per test file is plenty: each test takes its own database. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPostgresBin();
  if (bin === null) throw new Error(postgresSkipReason() ?? 'PostgreSQL not found');
  const dir = mkdtempSync(join(tmpdir(), 'cascade-pg-'));
  const data = join(dir, 'data');
  const runAs = asUnprivileged(dir);
  try {
    run(
      runAs,
      join(bin, 'initdb'),
      ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      dir,
    );
    const port = await startOnFreePort(runAs, bin, data, dir);
    return cluster(bin, runAs, dir, data, port);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function cluster(bin: string, runAs: string[], dir: string, data: string, port: number): PgCluster {
  const adminUrl = `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`;
  let databases = 0;
  let stopped = false;
  // A test process that dies without afterAll must not leave a server behind.
  const onExit = (): void =>
    void spawnSync(...command(runAs, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']), {
      stdio: 'ignore',
      cwd: dir,
    });
  process.once('exit', onExit);
  return {
    port,
    adminUrl,
    async createDatabase() {
      const name = `cascade_${process.pid}_${++databases}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8'`);
      } finally {
        await admin.end();
      }
      return `postgres://${SUPERUSER}@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener('exit', onExit);
      try {
        run(runAs, join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop'], dir);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Picks a port the kernel says is free; another process may take it first, so a failed start tries another. */
async function startOnFreePort(runAs: string[], bin: string, data: string, dir: string): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      // A test cluster: durability against power loss is not under test, speed is welcome.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c shared_buffers=16MB',
      '-c max_connections=100',
    ].join(' ');
    try {
      run(
        runAs,
        join(bin, 'pg_ctl'),
        ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', options, 'start'],
        dir,
      );
      return port;
    } catch (error) {
      lastError = new Error(`${error instanceof Error ? error.message : String(error)}\n${serverLog(dir)}`);
    }
  }
  throw lastError;
}

function serverLog(dir: string): string {
  try {
    return readFileSync(join(dir, 'server.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no server log)';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** As root, hands the folder to the unprivileged user and returns the runuser prefix; otherwise nothing to do. */
function asUnprivileged(dir: string): string[] {
  if (process.getuid?.() !== 0) return [];
  const uid = Number(execFileSync('id', ['-u', UNPRIVILEGED_USER], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', UNPRIVILEGED_USER], { encoding: 'utf8' }).trim());
  chownSync(dir, uid, gid);
  return ['runuser', '-u', UNPRIVILEGED_USER, '--'];
}

function command(runAs: string[], program: string, args: string[]): [string, string[]] {
  const [first, ...rest] = [...runAs, program, ...args];
  return [first ?? program, rest];
}

function run(runAs: string[], program: string, args: string[], cwd: string): void {
  const [file, argv] = command(runAs, program, args);
  const result = spawnSync(file, argv, { cwd, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${program} ${args.join(' ')} failed (exit ${result.status}): ${result.stderr || result.stdout || String(result.error)}`,
    );
  }
}
