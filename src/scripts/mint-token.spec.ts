import jwt from 'jsonwebtoken';
import { TENANT_SCOPES } from '../common/auth/scopes';
import { DEVELOPMENT_JWT_SECRET } from '../config/environment';
import { parseMintTokenArgs, runMintToken, UsageError } from './mint-token';

const TENANT = '3f2c1a9e-8d4b-4c6e-9a1f-2b3c4d5e6f70';

describe('parseMintTokenArgs', () => {
  it('defaults to every tenant scope for a tenant', () => {
    expect(parseMintTokenArgs(['--tenant', TENANT])).toEqual({ help: false, tenantId: TENANT, scopes: [...TENANT_SCOPES] });
    expect(TENANT_SCOPES).not.toContain('platform:admin');
  });

  it('takes space- or comma-separated scopes, without duplicates', () => {
    expect(parseMintTokenArgs(['--tenant', TENANT, '--scopes', 'users:read  users:write'])).toMatchObject({
      scopes: ['users:read', 'users:write'],
    });
    expect(parseMintTokenArgs([`--tenant=${TENANT}`, '--scopes=groups:read,groups:read, users:read'])).toMatchObject({
      scopes: ['groups:read', 'users:read'],
    });
  });

  it('normalises the tenant id to lower case', () => {
    expect(parseMintTokenArgs(['--tenant', TENANT.toUpperCase()])).toMatchObject({ tenantId: TENANT });
  });

  it('accepts any id in PostgreSQL uuid form, whatever its version bits', () => {
    const unversioned = '12345678-1234-0234-c234-123456789abc';
    expect(parseMintTokenArgs(['--tenant', unversioned])).toMatchObject({ tenantId: unversioned });
  });

  it('reads --subject and --expires-in', () => {
    expect(parseMintTokenArgs(['--tenant', TENANT, '--subject', 'alice', '--expires-in', '600'])).toEqual({
      help: false,
      tenantId: TENANT,
      scopes: [...TENANT_SCOPES],
      subject: 'alice',
      expiresInSeconds: 600,
    });
  });

  it('gives a platform admin no tenant unless --tenant is given', () => {
    expect(parseMintTokenArgs(['--platform-admin'])).toEqual({
      help: false,
      scopes: ['platform:admin'],
    });
    expect(parseMintTokenArgs(['--platform-admin', '--tenant', TENANT])).toMatchObject({
      tenantId: TENANT,
      scopes: ['platform:admin'],
    });
    expect(parseMintTokenArgs(['--platform-admin', '--scopes', 'users:read'])).toMatchObject({
      scopes: ['platform:admin', 'users:read'],
    });
  });

  it('answers --help', () => {
    expect(parseMintTokenArgs(['--help'])).toEqual({ help: true });
    expect(parseMintTokenArgs(['-h'])).toEqual({ help: true });
  });

  it.each([
    [[], /--tenant <tenant-uuid> is required/],
    [['--tenant', 'not-a-uuid'], /--tenant must be a UUID, got "not-a-uuid"/],
    [['--tenant', `{${TENANT}}`], /--tenant must be a UUID/],
    [['--tenant', TENANT.replace(/-/g, '')], /--tenant must be a UUID/],
    [['--tenant'], /argument missing/],
    [['--tenant', TENANT, '--scopes', 'users:read users:delete bogus'], /unknown scopes: users:delete bogus/],
    [['--tenant', TENANT, '--scopes', ' '], /--scopes is empty/],
    [['--tenant', TENANT, '--expires-in', '0'], /--expires-in must be a positive whole number/],
    [['--tenant', TENANT, '--expires-in', '1h'], /--expires-in must be a positive whole number/],
    [['--tenant', TENANT, '--expires-in', '-5'], /--expires-in/],
    [['--tenant', TENANT, '--subject', ''], /--subject must be 1 to 255 characters/],
    [['--tenant', TENANT, '--subject', 'x'.repeat(256)], /--subject must be 1 to 255 characters/],
    [['--tenant', TENANT, '--bogus'], /Unknown option '--bogus'/],
    [['--tenant', TENANT, 'extra'], /Unexpected argument 'extra'/],
    [['--platform-admin=yes'], /does not take an argument/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseMintTokenArgs(argv)).toThrow(UsageError);
    expect(() => parseMintTokenArgs(argv)).toThrow(message);
  });
});

describe('runMintToken', () => {
  function run(argv: string[], env: Record<string, string | undefined> = {}) {
    let stdout = '';
    let stderr = '';
    const code = runMintToken(argv, env, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
    return { code, stdout, stderr };
  }

  it('prints only a token the service would accept', () => {
    const { code, stdout, stderr } = run([
      '--tenant',
      TENANT,
      '--scopes',
      'users:read',
      '--subject',
      'alice',
      '--expires-in',
      '120',
    ]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = jwt.verify(stdout.trim(), DEVELOPMENT_JWT_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ sub: 'alice', tenant_id: TENANT, scope: 'users:read' });
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(claims.iss).toBeUndefined();
    expect(claims.aud).toBeUndefined();
  });

  it('signs with JWT_SECRET and includes JWT_ISSUER and JWT_AUDIENCE when configured', () => {
    const secret = 'a-configured-secret-of-at-least-32-chars';
    const { code, stdout } = run(['--platform-admin'], {
      JWT_SECRET: secret,
      JWT_ISSUER: 'https://issuer.test',
      JWT_AUDIENCE: 'iam-api',
    });
    expect(code).toBe(0);
    const claims = jwt.verify(stdout.trim(), secret, {
      algorithms: ['HS256'],
      issuer: 'https://issuer.test',
      audience: 'iam-api',
    }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ scope: 'platform:admin' });
    expect(claims).not.toHaveProperty('tenant_id');
    expect(() => jwt.verify(stdout.trim(), DEVELOPMENT_JWT_SECRET)).toThrow();
  });

  it('exits 2 with the usage on stderr for a bad command line', () => {
    const { code, stdout, stderr } = run(['--tenant', 'nope']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--tenant must be a UUID');
    expect(stderr).toContain('Usage:');
  });

  it('refuses in production', () => {
    const { code, stdout, stderr } = run(['--tenant', TENANT], {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-configured-secret-of-at-least-32-chars',
      JWT_ISSUER: 'i',
      JWT_AUDIENCE: 'a',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('NODE_ENV=production');
  });

  it.each([
    ['JWT_PUBLIC_KEY', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----'],
    ['JWT_JWKS_URI', 'https://idp.example.com/.well-known/jwks.json'],
  ])('refuses when %s is configured (no secret to sign with)', (name, value) => {
    const { code, stdout, stderr } = run(['--tenant', TENANT], { [name]: value });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no secret to sign with');
  });

  it('reports an invalid environment naming the variable', () => {
    const { code, stdout, stderr } = run(['--tenant', TENANT], { JWT_SECRET: 'short' });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('JWT_SECRET must be at least 32 characters long');
  });
});
