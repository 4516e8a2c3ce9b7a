import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { startTestApp, TestApp } from '../support/test-app';
import { freePort } from '../support/test-database';
import { base64url, hmac, JwksServer, rsa, rsaKey, Signer, signJwt, unsigned } from '../support/token-forge';

/**
 * RFC 8725 pitfalls, one test each, against the real application configured each way the
 * service verifies tokens: an HS256 secret, a PEM public key, a JWKS URL. Every forged or
 * broken token is a 401 with a Bearer challenge, and the answer is the same whatever was
 * wrong with the token: nothing beyond RFC 6750's `invalid_token`.
 */

const PROBE = '/api/v1/tenants'; // needs tenants:read, answers 200 for any valid token
const TENANT = randomUUID();
const ISSUER = 'https://issuer.test/';
const AUDIENCE = 'iam-api';
const SECRET = 'attack-suite-secret-0123456789abcdef-0123456789';

const legit = rsaKey('key-1');
const rotated = rsaKey('key-2');
const attacker = rsaKey('attacker-key');

const now = () => Math.floor(Date.now() / 1000);

/** Valid claims for the probe; `overrides` set, `remove` drop. */
function claims(overrides: Record<string, unknown> = {}, remove: string[] = []): Record<string, unknown> {
  const base: Record<string, unknown> = {
    sub: 'token-attack-suite',
    tenant_id: TENANT,
    scope: 'tenants:read',
    iss: ISSUER,
    aud: AUDIENCE,
    iat: now(),
    exp: now() + 600,
    jti: randomUUID(),
    ...overrides,
  };
  for (const key of remove) delete base[key];
  return base;
}

const hs = (payload = claims(), header: Record<string, unknown> = {}, sign: Signer = hmac(SECRET)) =>
  signJwt({ alg: 'HS256', typ: 'JWT', ...header }, payload, sign);
const rs = (key = legit, payload = claims(), header: Record<string, unknown> = {}) =>
  signJwt({ alg: 'RS256', typ: 'JWT', kid: key.kid, ...header }, payload, rsa(key.privateKey));

/** What every invalid token is told: RFC 6750 §3.1 `invalid_token`, nothing about why. */
const INVALID_TOKEN_CHALLENGE = /^Bearer realm="[^"]*", error="invalid_token"$/;
const LEAKS =
  /expired|signature|audience|issuer|algorithm|\balg\b|kid|jwk|malformed|nbf|not active|claim|\bkey\b|secret|tenant|\bsub\b|\bexp\b|jwt/i;

describe('Token attacks', () => {
  // Passport keeps strategies in a process-wide registry: the application created last
  // verifies for every application of the process. So one application at a time, each
  // started and closed by its own describe block.
  const invalidTokenAnswers = new Set<string>();
  let cases = 0;
  let fiveHundreds = 0;

  const hsConfig = { JWT_SECRET: SECRET, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
  const rsConfig = { JWT_PUBLIC_KEY: legit.publicPem, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE };
  const jwksConfig = (uri: string) => ({ JWT_JWKS_URI: uri, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE });

  afterAll(() => {
    console.log(`token attacks: ${cases} token cases, 5xx seen: ${fiveHundreds}`);
  });

  async function probe(app: TestApp, authorization?: string, path = PROBE): Promise<Response> {
    const request = app.http.get(path);
    const response = authorization === undefined ? await request : await request.set('Authorization', authorization);
    if (response.status >= 500) fiveHundreds += 1;
    return response;
  }

  /** 401, `invalid_token`, and the one body every invalid token gets. */
  async function expectRejected(app: TestApp, token: string, path = PROBE): Promise<Response> {
    cases += 1;
    const response = await probe(app, `Bearer ${token}`, path);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
    expect(response.body).toEqual({ detail: expect.any(String) });
    expect(response.body.detail).not.toMatch(LEAKS);
    invalidTokenAnswers.add(JSON.stringify([response.headers['www-authenticate'], response.body]));
    return response;
  }

  async function expectAccepted(app: TestApp, token: string, path = PROBE): Promise<void> {
    const response = await probe(app, `Bearer ${token}`, path);
    expect(response.status).toBe(200);
  }

  /** A request without a usable bearer token: 401 with a bare challenge (RFC 6750 §3.1: no error code). */
  function expectUnauthenticated(response: Response): void {
    cases += 1;
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]*"/);
    expect(response.body).toEqual({ detail: expect.any(String) });
    expect(response.body.detail).not.toMatch(LEAKS);
  }

  describe('with an HS256 secret (issuer and audience configured)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(hsConfig);
    });
    afterAll(() => app?.close());

    describe('positive controls (each forgery below differs from these in one point)', () => {
      it('accepts a well-formed HS256 token', () => expectAccepted(app, hs()));
      it('accepts an exp 10 s in the past (within the 30 s clock-skew allowance)', () =>
        expectAccepted(app, hs(claims({ exp: now() - 10 }))));
      it('accepts scopes as an scp array', () => expectAccepted(app, hs(claims({ scp: ['tenants:read'] }, ['scope']))));
    });

    describe('algorithm confusion', () => {
      it.each([['none'], ['None'], ['NONE'], ['nOnE']])('refuses alg "%s" with an empty signature', (alg) =>
        expectRejected(app, signJwt({ alg, typ: 'JWT' }, claims(), unsigned)),
      );

      it('refuses alg "none" that keeps a valid HS256 signature', () => {
        const [, payload, signature] = hs().split('.');
        return expectRejected(app, `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.${signature}`);
      });

      it('refuses HS512 signed with the right secret (only HS256 is configured)', () =>
        expectRejected(app, hs(claims(), { alg: 'HS512' }, hmac(SECRET, 'sha512'))));

      it('refuses HS256 signed with another secret', () => expectRejected(app, hs(claims(), {}, hmac(`${SECRET}-not`))));
    });

    describe('claims', () => {
      it('refuses an expired token', () => expectRejected(app, hs(claims({ exp: now() - 3600 }))));
      it('refuses a token not valid yet (nbf an hour ahead)', () => expectRejected(app, hs(claims({ nbf: now() + 3600 }))));
      it('refuses a wrong iss', () => expectRejected(app, hs(claims({ iss: 'https://evil.test/' }))));
      it('refuses a missing iss when an issuer is configured', () => expectRejected(app, hs(claims({}, ['iss']))));
      it('refuses a wrong aud', () => expectRejected(app, hs(claims({ aud: 'another-api' }))));
      it('refuses a missing aud when an audience is configured', () => expectRejected(app, hs(claims({}, ['aud']))));
      it('refuses an aud list without the configured audience', () =>
        expectRejected(app, hs(claims({ aud: ['another-api', 'third-api'] }))));
      it('refuses a missing exp', () => expectRejected(app, hs(claims({}, ['exp']))));
      it('refuses a non-numeric exp', () => expectRejected(app, hs(claims({ exp: String(now() + 600) }))));
      it('refuses a missing tenant_id', () => expectRejected(app, hs(claims({}, ['tenant_id']))));
      it('refuses a tenant_id that is not a string', () => expectRejected(app, hs(claims({ tenant_id: 42 }))));
      it.each([['not-a-uuid'], [''], ["x' OR '1'='1"]])(
        'refuses a tenant_id %j that is not a UUID, even where no path names a tenant',
        (tenantId) => expectRejected(app, hs(claims({ tenant_id: tenantId, scope: 'tenants:read' })), '/api/v1/tenants'),
      );
      it('accepts a platform admin token without tenant_id (an identity provider has no tenant to name)', async () => {
        await expectAccepted(app, hs(claims({ scope: 'platform:admin' }, ['tenant_id'])), '/api/v1/tenants');
        await expectAccepted(app, hs(claims({ scope: 'platform:admin' }, ['tenant_id'])));
      });
      it('refuses a token without tenant_id that is not a platform admin', () =>
        expectRejected(app, hs(claims({ scope: 'tenants:read users:read' }, ['tenant_id'])), '/api/v1/tenants'));
      it('refuses a missing sub', () => expectRejected(app, hs(claims({}, ['sub']))));
      it('refuses an empty sub', () => expectRejected(app, hs(claims({ sub: '' }))));
      it('refuses a sub over 255 characters', () => expectRejected(app, hs(claims({ sub: 's'.repeat(256) }))));
    });

    describe('tampering and garbage', () => {
      it('refuses a payload changed after signing (another tenant, more scopes)', () => {
        const [header, , signature] = hs().split('.');
        const payload = base64url(JSON.stringify(claims({ tenant_id: randomUUID(), scope: 'platform:admin tenants:read' })));
        return expectRejected(app, `${header}.${payload}.${signature}`);
      });

      it('refuses a token whose signature was stripped', () => {
        const [header, payload] = hs().split('.');
        return expectRejected(app, `${header}.${payload}.`);
      });

      it('refuses a signature that is one bit off', () => {
        const [header, payload, signature] = hs().split('.');
        const bytes = Buffer.from(signature, 'base64url');
        bytes[0] ^= 1;
        return expectRejected(app, `${header}.${payload}.${bytes.toString('base64url')}`);
      });

      it.each([
        ['a word', 'garbage'],
        ['three empty parts', '..'],
        ['three parts of nonsense', 'a.b.c'],
        ['base64 of something that is not JSON', `${base64url('not json')}.${base64url('not json')}.${base64url('x')}`],
        ['JSON that is not an object', `${base64url('"alg"')}.${base64url('[1,2]')}.sig`],
        ['a valid token with a fourth part', () => `${hs()}.extra`],
        ['a JWE-shaped token', `${base64url(JSON.stringify({ alg: 'RSA-OAEP', enc: 'A256GCM' }))}.a.b.c.d`],
        ['8 KB of letters', 'x'.repeat(8192)],
        ['Latin-1 letters', 'tökén.ünïcödé.ÿ'],
      ])('refuses garbage: %s', (_, token) => expectRejected(app, typeof token === 'function' ? token() : token));

      it.each([
        ['the last character', (token: string) => token.slice(0, -1)],
        ['the whole signature', (token: string) => token.split('.').slice(0, 2).join('.')],
        ['half the token', (token: string) => token.slice(0, Math.floor(token.length / 2))],
        ['all but the header', (token: string) => token.split('.')[0]],
      ])('refuses a token truncated by %s', (_, cut) => expectRejected(app, cut(hs())));
    });

    describe('where the token is sent', () => {
      it('ignores a valid token in the query string (?access_token=): 401 without an error code', async () => {
        const response = await probe(app, undefined, `${PROBE}?access_token=${encodeURIComponent(hs())}`);
        expectUnauthenticated(response);
        expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="[^"]*"$/);
      });

      it('does not fall back to the query string when the header holds garbage', async () => {
        const response = await probe(app, 'Bearer garbage', `${PROBE}?access_token=${encodeURIComponent(hs())}`);
        expectUnauthenticated(response);
        expect(response.headers['www-authenticate']).toMatch(INVALID_TOKEN_CHALLENGE);
      });

      it.each([
        ['a Basic scheme', (token: string) => `Basic ${Buffer.from(`user:${token}`).toString('base64')}`],
        ['the token without a scheme', (token: string) => token],
        ['an empty bearer', () => 'Bearer '],
      ])('refuses %s in the Authorization header (no usable credentials)', async (_, header) => {
        expectUnauthenticated(await probe(app, header(hs())));
      });

      // passport-jwt's stock extractor reads the first word after "Bearer" and ignores the
      // rest: a gateway and the service could then disagree on which token was presented.
      it.each([
        ['two valid tokens', (token: string) => `${token} ${token}`],
        ['a valid token followed by a word', (token: string) => `${token} trailing`],
        ['a garbage word followed by a valid token', (token: string) => `garbage ${token}`],
      ])('refuses %s after "Bearer" as one invalid token', (_, credentials) => expectRejected(app, credentials(hs())));
    });
  });

  describe('with an RS256 public key (PEM)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp(rsConfig);
    });
    afterAll(() => app?.close());

    it('accepts a well-formed RS256 token (positive control)', () => expectAccepted(app, rs()));

    it('refuses alg "none"', () => expectRejected(app, signJwt({ alg: 'none' }, claims(), unsigned)));

    it('refuses HS256 signed with the RSA public key (PEM) as the HMAC secret', () =>
      expectRejected(app, hs(claims(), {}, hmac(legit.publicPem))));

    it('refuses HS256 signed with the PEM without its final newline', () =>
      expectRejected(app, hs(claims(), {}, hmac(legit.publicPem.trimEnd()))));

    it('refuses HS256 signed with the public key in DER form as the secret', () =>
      expectRejected(app, hs(claims(), {}, hmac(legit.publicKey.export({ format: 'der', type: 'spki' })))));

    it('refuses HS256 signed with the public JWK as the secret', () =>
      expectRejected(app, hs(claims(), {}, hmac(JSON.stringify(legit.jwk)))));

    it('refuses RS512 signed with the right key (only RS256 is configured)', () =>
      expectRejected(app, signJwt({ alg: 'RS512' }, claims(), rsa(legit.privateKey, 'sha512'))));

    it('refuses RS256 signed by another key', () => expectRejected(app, rs(attacker)));

    it('refuses a jwk header embedding the attacker’s own key', () =>
      expectRejected(app, rs(attacker, claims(), { jwk: attacker.jwk })));

    it('refuses a payload changed after signing', () => {
      const [header, , signature] = rs().split('.');
      return expectRejected(app, `${header}.${base64url(JSON.stringify(claims({ scope: 'platform:admin' })))}.${signature}`);
    });
  });

  describe('with a JWKS URL', () => {
    let app: TestApp;
    let jwks: JwksServer;
    let evil: JwksServer;
    beforeAll(async () => {
      [jwks, evil] = await Promise.all([JwksServer.start(), JwksServer.start('/evil/jwks.json')]);
      jwks.keys = [legit.jwk];
      evil.keys = [attacker.jwk, { ...attacker.jwk, kid: legit.kid }];
      app = await startTestApp(jwksConfig(jwks.url));
    });
    afterAll(async () => {
      await app?.close();
      await Promise.all([jwks?.close(), evil?.close()]);
    });

    it('accepts a well-formed RS256 token with a known kid (positive control)', () => expectAccepted(app, rs()));

    it('refuses alg "none", even with a known kid', () =>
      expectRejected(app, signJwt({ alg: 'none', kid: legit.kid }, claims(), unsigned)));

    it('refuses HS256 signed with the published public key as the secret', () =>
      expectRejected(app, hs(claims(), { kid: legit.kid }, hmac(legit.publicPem))));

    it('refuses an unknown kid', () => expectRejected(app, rs(attacker)));

    it('refuses a known kid on a token signed by another key', () =>
      expectRejected(app, rs(attacker, claims(), { kid: legit.kid })));

    it('refuses a token without a kid signed by another key', () =>
      expectRejected(app, signJwt({ alg: 'RS256' }, claims(), rsa(attacker.privateKey))));

    it('refuses a kid that is a URL pointing at the attacker', () =>
      expectRejected(app, rs(attacker, claims(), { kid: evil.url })));

    it.each([['../../../../../dev/null'], ["' OR 1=1 --"], ['key-1\u0000'], ['']])('refuses the kid %j', (kid) =>
      expectRejected(app, rs(attacker, claims(), { kid })),
    );

    it('refuses a jku header pointing at the attacker’s JWKS (attacker kid)', () =>
      expectRejected(app, rs(attacker, claims(), { jku: evil.url })));

    it('refuses a jku header pointing at the attacker’s JWKS (legitimate kid)', () =>
      expectRejected(app, rs(attacker, claims(), { kid: legit.kid, jku: evil.url })));

    it('refuses an x5u header pointing at the attacker', () =>
      expectRejected(app, rs(attacker, claims(), { kid: legit.kid, x5u: evil.url.replace('jwks.json', 'cert.pem') })));

    it('refuses a jwk header embedding the attacker’s own key', () =>
      expectRejected(app, rs(attacker, claims(), { jwk: attacker.jwk })));

    it('refuses an expired token signed by the published key', () =>
      expectRejected(app, rs(legit, claims({ exp: now() - 3600 }))));

    it('refuses a payload changed after signing', () => {
      const [header, , signature] = rs().split('.');
      return expectRejected(app, `${header}.${base64url(JSON.stringify(claims({ scope: 'platform:admin' })))}.${signature}`);
    });

    it('never sent a request to the attacker’s server', () => {
      expect(evil.requests).toEqual([]);
    });

    it('fetched keys only from the configured URL, a bounded number of times', () => {
      expect(jwks.requests.length).toBeGreaterThan(0);
      expect(jwks.requests.length).toBeLessThanOrEqual(10);
      for (const request of jwks.requests) expect(request).toBe('GET /.well-known/jwks.json');
    });
  });

  describe('JWKS rotation and outage', () => {
    it('picks up a new key with a new kid without a restart, fetching the key set once more', async () => {
      const server = await JwksServer.start();
      server.keys = [legit.jwk];
      const app = await startTestApp(jwksConfig(server.url));
      try {
        await expectAccepted(app, rs(legit));
        await expectAccepted(app, rs(legit));
        expect(server.requests).toHaveLength(1); // cached after the first lookup

        // Until the identity provider publishes it, the new key is unknown.
        await expectRejected(app, rs(rotated));
        server.keys = [legit.jwk, rotated.jwk];
        await expectAccepted(app, rs(rotated));
        await expectAccepted(app, rs(legit));
        expect(server.requests).toHaveLength(3);
      } finally {
        await app.close();
        await server.close();
      }
    });

    const timedRejection = async (app: TestApp, token: string, limitMs: number) => {
      const started = Date.now();
      await expectRejected(app, token);
      expect(Date.now() - started).toBeLessThan(limitMs);
    };

    it('fails closed at once when nothing listens at the JWKS URL', async () => {
      const app = await startTestApp(jwksConfig(`http://127.0.0.1:${await freePort()}/jwks.json`));
      try {
        await timedRejection(app, rs(legit), 2_000);
      } finally {
        await app.close();
      }
    });

    it('fails closed when the JWKS endpoint errs, sends garbage or hangs, and recovers when it is back', async () => {
      const server = await JwksServer.start();
      server.keys = [legit.jwk];
      const app = await startTestApp(jwksConfig(server.url));
      try {
        server.mode = 'error';
        await timedRejection(app, rs(legit), 2_000);
        server.mode = 'garbage';
        await timedRejection(app, rs(legit), 2_000);
        server.mode = 'hang';
        await timedRejection(app, rs(legit), 6_500); // accepted, never answered: the client's 5 s timeout
        expect(server.requests).toHaveLength(3);
        server.mode = 'serve';
        await expectAccepted(app, rs(legit)); // no restart needed
      } finally {
        await app.close();
        await server.close();
      }
    }, 20_000);
  });

  it('gave every invalid token the very same answer', () => {
    expect(invalidTokenAnswers.size).toBe(1);
  });
});
