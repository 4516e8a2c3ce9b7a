import { MAX_AGE_MS, MAX_ENTRIES, type VerifiedClaims, VerifiedTokenCache } from './verified-token-cache';

describe('VerifiedTokenCache', () => {
  const start = Date.UTC(2026, 11, 3, 8, 0, 0);
  let now: number;
  const clock = () => now;
  const claims = (expiresInSeconds: number): VerifiedClaims => ({
    subject: 'gateway',
    tenantId: '6f1d3a4e-5b2c-4d7e-8f90-1a2b3c4d5e6f',
    scopes: new Set(['assignments:read']),
    expiresAt: Math.floor(now / 1000) + expiresInSeconds,
  });

  beforeEach(() => {
    now = start;
  });

  it('answers a remembered token with its claims, and nothing for another text', () => {
    const cache = new VerifiedTokenCache(30, clock);
    const remembered = claims(3600);
    cache.remember('token-a', remembered);
    expect(cache.get('token-a')).toBe(remembered);
    expect(cache.get('token-a ')).toBeUndefined();
    expect(cache.get('token-b')).toBeUndefined();
  });

  it('forgets a token a minute after its verification, so a withdrawn key stops being accepted', () => {
    const cache = new VerifiedTokenCache(30, clock);
    cache.remember('token', claims(3600));
    now = start + MAX_AGE_MS - 1;
    expect(cache.get('token')).toBeDefined();
    now = start + MAX_AGE_MS;
    expect(cache.get('token')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('never outlives the token: refused from the second jsonwebtoken refuses it (exp + clock tolerance)', () => {
    const cache = new VerifiedTokenCache(30, clock);
    cache.remember('token', claims(10));
    now = start + 39_999;
    expect(cache.get('token')).toBeDefined();
    now = start + 40_000;
    expect(cache.get('token')).toBeUndefined();
  });

  it('does not store a token already past its end', () => {
    const cache = new VerifiedTokenCache(0, clock);
    cache.remember('token', claims(0));
    expect(cache.size).toBe(0);
  });

  it('holds at most MAX_ENTRIES tokens, dropping the oldest', () => {
    const cache = new VerifiedTokenCache(30, clock);
    for (let index = 0; index <= MAX_ENTRIES; index += 1) cache.remember(`token-${index}`, claims(3600));
    expect(cache.size).toBe(MAX_ENTRIES);
    expect(cache.get('token-0')).toBeUndefined();
    expect(cache.get('token-1')).toBeDefined();
    expect(cache.get(`token-${MAX_ENTRIES}`)).toBeDefined();
  });
});
