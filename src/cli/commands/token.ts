// `cascade token create|list|revoke`: API tokens, made directly in the data directory's store (this is how
// the first admin token comes to exist). The secret is printed once; only its sha256 is stored.
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { newToken } from '../../api/tokens.js';
import { ownerOnlyFiles } from '../../app/private-files.js';
import type { Store, TokenRole } from '../../ports/store.js';
import { openStore, StoreUrlError } from '../../store/open-store.js';
import { SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { CliError } from '../cli-error.js';
import { printJson } from '../remote/client.js';
import { table } from '../table.js';

const ROLES: readonly TokenRole[] = ['viewer', 'operator', 'admin'];
const DATA_HELP = 'data directory of cascade serve (its store is DIR/cascade.db)';
const DB_HELP = 'the store itself instead: a SQLite file or a postgres:// URL';

function role(value: string): TokenRole {
  const found = ROLES.find((r) => r === value);
  if (!found) throw new InvalidArgumentError(`must be one of ${ROLES.join(', ')}`);
  return found;
}

function name(value: string): string {
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(value))
    throw new InvalidArgumentError('must be 1 to 64 letters, digits, or . _ @ -');
  return value;
}

/** Who ran the command, for the audit log. */
function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

interface StoreFlags {
  readonly data: string;
  readonly db?: string;
}

async function withStore<T>(o: StoreFlags, work: (store: Store) => Promise<T>): Promise<T> {
  ownerOnlyFiles();
  let store: Store;
  if (o.db !== undefined) {
    try {
      store = openStore(o.db, {}, '--db');
    } catch (error) {
      if (error instanceof StoreUrlError) throw new CliError(error.message, 2);
      throw error;
    }
  } else {
    const dir = resolve(o.data);
    if (!existsSync(dir))
      throw new CliError(
        `${dir} does not exist; give the data directory of cascade serve with --data, or the store with --db`,
        2,
      );
    store = SqliteStore.open(join(dir, 'cascade.db'));
  }
  try {
    await store.migrate();
    return await work(store);
  } finally {
    await store.close();
  }
}

export function registerToken(cli: Command): void {
  const token = cli
    .command('token')
    .description(
      'API tokens (roles: viewer reads; operator also acts on blades, workloads and proposals; admin also sets the policy and tokens)',
    );

  token
    .command('create')
    .description('make a token and print it, once: only its hash is kept')
    .requiredOption('--role <role>', 'viewer, operator or admin', role)
    .option('--name <name>', 'how the audit log names it (token:NAME); default its id', name)
    .option('--data <dir>', DATA_HELP, './data')
    .option('--db <store>', DB_HELP)
    .option('--json', 'print {id, name, role, token} as JSON')
    .action(async (o: StoreFlags & { role: TokenRole; name?: string; json?: boolean }) => {
      const made = await withStore(o, async (store) => {
        const fresh = newToken(o.role, o.name, Date.now());
        if ((await store.tokens()).some((t) => t.name === fresh.record.name))
          throw new CliError(`--name: a token named ${fresh.record.name} exists`, 2);
        await store.commit({
          tokens: [fresh.record],
          events: [
            {
              at: fresh.record.createdAt,
              actor: actor(),
              type: 'token.created',
              subject: fresh.record.id,
              data: { name: fresh.record.name, role: fresh.record.role },
            },
          ],
        });
        return fresh;
      });
      const { id, name: tokenName, role: tokenRole } = made.record;
      if (o.json) return printJson({ id, name: tokenName, role: tokenRole, token: made.secret });
      process.stdout.write(`${made.secret}\n`);
      process.stderr.write(
        `token ${id} (${tokenName}, ${tokenRole}): shown once, keep it safe; use it as CASCADE_TOKEN\n`,
      );
    });

  token
    .command('list')
    .description('every token: id, name, role, when made and revoked (never the secrets)')
    .option('--data <dir>', DATA_HELP, './data')
    .option('--db <store>', DB_HELP)
    .option('--json', 'print JSON')
    .action(async (o: StoreFlags & { json?: boolean }) => {
      const tokens = await withStore(o, (store) => store.tokens());
      const shown = tokens.map((t) => ({
        id: t.id,
        name: t.name,
        role: t.role,
        createdAt: t.createdAt,
        revokedAt: t.revokedAt,
      }));
      if (o.json) return printJson(shown);
      const when = (ms: number | null): string =>
        ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
      process.stdout.write(
        `${table(
          ['id', 'name', 'role', 'created', 'revoked'],
          shown.map((t) => [t.id, t.name, t.role, when(t.createdAt), when(t.revokedAt)]),
        )}\n`,
      );
    });

  token
    .command('revoke')
    .description('revoke a token; a running controller stops accepting it within 5 seconds')
    .argument('<id>', 'token id (see cascade token list)')
    .option('--data <dir>', DATA_HELP, './data')
    .option('--db <store>', DB_HELP)
    .action(async (id: string, o: StoreFlags) => {
      await withStore(o, async (store) => {
        const found = (await store.tokens()).find((t) => t.id === id);
        if (!found) throw new CliError(`no token ${id}`, 2);
        if (found.revokedAt !== null) return;
        const now = Date.now();
        await store.commit({
          tokens: [{ ...found, revokedAt: now }],
          events: [{ at: now, actor: actor(), type: 'token.revoked', subject: id, data: { name: found.name } }],
        });
      });
      process.stdout.write(`revoked ${id}\n`);
    });
}
