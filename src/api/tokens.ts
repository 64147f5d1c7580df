// Bearer tokens: made from 32 random bytes, stored only as a sha256, checked against the store with a short cache.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../ports/clock.js';
import type { Store, TokenRecord, TokenRole } from '../ports/store.js';

const PREFIX = 'cascade_';
/** 32 bytes in base64url are 43 characters; anything else is refused before touching the store. */
const SHAPE = /^cascade_[A-Za-z0-9_-]{43}$/;
const RANK: Readonly<Record<TokenRole, number>> = { viewer: 1, operator: 2, admin: 3 };

/** viewer < operator < admin. */
export function allows(role: TokenRole, needed: TokenRole): boolean {
  return RANK[role] >= RANK[needed];
}

/** A fast hash is enough: the secret has 256 bits of entropy, so there is nothing to brute-force. */
export function hashToken(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export interface NewToken {
  /** Shown once to whoever created it; never stored. */
  readonly secret: string;
  readonly record: TokenRecord;
}

export function newToken(role: TokenRole, name: string | undefined, now: number): NewToken {
  const secret = PREFIX + randomBytes(32).toString('base64url');
  const id = `tok-${randomBytes(4).toString('hex')}`;
  return { secret, record: { id, name: name ?? id, role, hash: hashToken(secret), createdAt: now, revokedAt: null } };
}

/** The audit log's name for changes made with a token. */
export function actorOf(token: TokenRecord): string {
  return `token:${token.name}`;
}

/**
 * Looks tokens up by hash. Valid tokens are cached for `cacheMs` so a busy client does not cost a
 * store read per request. A revocation clears the cache: at once through this API, and within the
 * log tail's poll (about a second) when another process (`cascade token revoke`) wrote it.
 * Unknown tokens are not cached: failures go to the store every time, and the rate limiter meters them.
 */
export class TokenVerifier {
  private readonly cache = new Map<string, { token: TokenRecord; until: number }>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cacheMs = 5_000,
  ) {}

  async verify(secret: string): Promise<TokenRecord | null> {
    if (!SHAPE.test(secret)) return null;
    const hash = hashToken(secret);
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.token;
    const token = await this.store.tokenByHash(hash);
    if (!token || token.revokedAt !== null) {
      this.cache.delete(hash);
      return null;
    }
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { token, until: now + this.cacheMs });
    return token;
  }

  /** Forgets cached tokens at once, e.g. after a revocation through this API. */
  forget(): void {
    this.cache.clear();
  }
}

/** "Bearer <token>" -> the token; anything else -> null. */
export function bearerOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
