/** What a verified token said, kept so that the next request with it need not verify it again. */
export interface VerifiedClaims {
  subject: string;
  tenantId: string | undefined;
  scopes: ReadonlySet<string>;
  /** The `exp` claim, in seconds. */
  expiresAt: number;
}

interface Entry {
  claims: VerifiedClaims;
  /** Until when (ms) the entry may answer: the token's own end, and at most MAX_AGE_MS after it was verified. */
  usableUntil: number;
}

/** A gateway sends the same token with every request; verifying it once a minute is enough. */
export const MAX_AGE_MS = 60_000;
export const MAX_ENTRIES = 10_000;

/**
 * Tokens verified in the last minute, by their exact text. A hit skips passport and the
 * signature check, the largest per-request cost on the cheapest reads; it never outlives the
 * token's expiry (with the same clock tolerance as the verification), and a key removed
 * from the configuration or the JWKS stops being accepted within MAX_AGE_MS. Only tokens
 * that passed every check are stored; a token that fails is verified (and fails) each time.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clockToleranceSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(token: string): VerifiedClaims | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.usableUntil) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  remember(token: string, claims: VerifiedClaims): void {
    const now = this.now();
    // jsonwebtoken refuses a token once floor(now / 1000) >= exp + tolerance.
    const tokenEnd = (claims.expiresAt + this.clockToleranceSeconds) * 1000;
    const usableUntil = Math.min(tokenEnd, now + MAX_AGE_MS);
    if (usableUntil <= now) return;
    // Full: the oldest entry goes (a Map iterates in insertion order); expired ones go when looked up.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { claims, usableUntil });
  }

  get size(): number {
    return this.entries.size;
  }
}
