import { generateKeyPairSync } from 'node:crypto';
import {
  DEVELOPMENT_JWT_SECRET,
  effectiveJwtSecret,
  EnvironmentError,
  resolveAlgorithms,
  validateEnvironment,
} from './environment';

const STRONG_SECRET = 'a-production-secret-of-more-than-32-characters';
const PUBLIC_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: STRONG_SECRET,
  JWT_ISSUER: 'https://issuer.example.com',
  JWT_AUDIENCE: 'iam-api',
};

/** The message of the EnvironmentError the input raises (fails the test if it raises nothing). */
function problemsOf(raw: Record<string, unknown>): string {
  try {
    validateEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('validateEnvironment', () => {
  describe('defaults', () => {
    it('starts a development service on port 3000 with HS256 and the development secret', () => {
      const env = validateEnvironment({});
      expect(env).toMatchObject({
        NODE_ENV: 'development',
        PORT: 3000,
        HOST: '0.0.0.0',
        DATABASE_MIGRATIONS_RUN: true,
        DATABASE_POOL_SIZE: 10,
        LOG_LEVEL: 'info',
      });
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.JWT_ISSUER).toBeUndefined();
      expect(env.JWT_AUDIENCE).toBeUndefined();
      expect(resolveAlgorithms(env)).toEqual(['HS256']);
      expect(effectiveJwtSecret(env)).toBe(DEVELOPMENT_JWT_SECRET);
    });

    it('treats empty strings as unset', () => {
      const env = validateEnvironment({
        DATABASE_URL: '',
        JWT_SECRET: '',
        JWT_ISSUER: '  ',
        LOG_LEVEL: '',
        PORT: '',
        NODE_ENV: '',
        EMBEDDED_DATABASE_DIR: '',
        DATABASE_MIGRATIONS_RUN: ' ',
      });
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.JWT_SECRET).toBeUndefined();
      expect(env.JWT_ISSUER).toBeUndefined();
      expect(env.LOG_LEVEL).toBe('info');
      expect(env.PORT).toBe(3000);
      expect(env.NODE_ENV).toBe('development');
      expect(env.EMBEDDED_DATABASE_DIR).toBe('.data/postgres');
      expect(env.DATABASE_MIGRATIONS_RUN).toBe(true);
      expect(effectiveJwtSecret(env)).toBe(DEVELOPMENT_JWT_SECRET);
    });

    it('ignores variables it does not know', () => {
      const env = validateEnvironment({ PATH: '/usr/bin', HOME: '/root' });
      expect(env).not.toHaveProperty('PATH');
    });
  });

  describe('parsing', () => {
    it('reads numbers, booleans and lists from strings', () => {
      const env = validateEnvironment({
        PORT: '8080',
        DATABASE_POOL_SIZE: '25',
        DATABASE_MIGRATIONS_RUN: 'false',
        JWT_PUBLIC_KEY: PUBLIC_KEY,
        JWT_ALGORITHMS: 'RS256, ES256',
        DATABASE_URL: 'postgres://app:secret@db.internal:5432/iam',
      });
      expect(env.PORT).toBe(8080);
      expect(env.DATABASE_POOL_SIZE).toBe(25);
      expect(env.DATABASE_MIGRATIONS_RUN).toBe(false);
      expect(env.JWT_ALGORITHMS).toEqual(['RS256', 'ES256']);
      expect(resolveAlgorithms(env)).toEqual(['RS256', 'ES256']);
      expect(effectiveJwtSecret(env)).toBeUndefined();
      expect(env.DATABASE_URL).toBe('postgres://app:secret@db.internal:5432/iam');
    });

    it('defaults to RS256 with a public key or a JWKS URL', () => {
      expect(resolveAlgorithms(validateEnvironment({ JWT_PUBLIC_KEY: PUBLIC_KEY }))).toEqual(['RS256']);
      expect(
        resolveAlgorithms(validateEnvironment({ JWT_JWKS_URI: 'https://issuer.example.com/.well-known/jwks.json' })),
      ).toEqual(['RS256']);
    });

    it('accepts a PEM public key written on one line with literal \\n', () => {
      const oneLine = PUBLIC_KEY.trim().replace(/\n/g, '\\n');
      expect(oneLine).not.toContain('\n');
      expect(validateEnvironment({ JWT_PUBLIC_KEY: oneLine }).JWT_PUBLIC_KEY).toBe(PUBLIC_KEY.trim());
    });

    it('uses a configured secret instead of the development one', () => {
      expect(effectiveJwtSecret(validateEnvironment({ JWT_SECRET: STRONG_SECRET }))).toBe(STRONG_SECRET);
    });
  });

  describe('bad values name the variable', () => {
    it.each(['abc', '70000', '-1', '80.5', '3000abc'])('PORT=%s', (port) => {
      expect(problemsOf({ PORT: port })).toMatch(/PORT/);
    });

    it.each<[string, string]>([
      ['NODE_ENV', 'staging'],
      ['LOG_LEVEL', 'verbose'],
      ['DATABASE_URL', 'mysql://db/iam'],
      ['DATABASE_URL', 'not a url'],
      ['DATABASE_POOL_SIZE', '0'],
      ['DATABASE_MIGRATIONS_RUN', 'maybe'],
      ['JWT_SECRET', 'too-short'],
      ['JWT_JWKS_URI', 'ftp://issuer.example.com/jwks'],
      ['JWT_ALGORITHMS', 'none'],
    ])('%s=%s', (name, value) => {
      const message = problemsOf({ [name]: value });
      expect(message).toContain(`${name}:`);
    });

    it('names every bad variable at once', () => {
      const message = problemsOf({ PORT: 'http', LOG_LEVEL: 'loud', NODE_ENV: 'prod' });
      expect(message).toContain('PORT:');
      expect(message).toContain('LOG_LEVEL:');
      expect(message).toContain('NODE_ENV:');
    });

    it('does not print the value of a secret', () => {
      expect(problemsOf({ JWT_SECRET: 'short-secret-value' })).not.toContain('short-secret-value');
    });
  });

  describe('keys and algorithms', () => {
    it('refuses HS* algorithms with a public key', () => {
      expect(problemsOf({ JWT_PUBLIC_KEY: PUBLIC_KEY, JWT_ALGORITHMS: 'HS256' })).toMatch(/JWT_ALGORITHMS: .*HS/);
      expect(problemsOf({ JWT_PUBLIC_KEY: PUBLIC_KEY, JWT_ALGORITHMS: 'RS256,HS512' })).toMatch(/JWT_ALGORITHMS/);
    });

    it('refuses HS* algorithms with a JWKS URL', () => {
      expect(problemsOf({ JWT_JWKS_URI: 'https://issuer.example.com/jwks', JWT_ALGORITHMS: 'HS384' })).toMatch(/JWT_ALGORITHMS/);
    });

    it('refuses asymmetric algorithms with a secret', () => {
      expect(problemsOf({ JWT_SECRET: STRONG_SECRET, JWT_ALGORITHMS: 'RS256' })).toMatch(/JWT_ALGORITHMS/);
      expect(problemsOf({ JWT_ALGORITHMS: 'ES256' })).toMatch(/JWT_ALGORITHMS/);
    });

    it('refuses more than one key source', () => {
      expect(problemsOf({ JWT_SECRET: STRONG_SECRET, JWT_PUBLIC_KEY: PUBLIC_KEY })).toMatch(
        /JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URI/,
      );
    });
  });

  describe('metrics', () => {
    const TOKEN = 'a-metrics-token-of-more-than-32-characters';

    it('serves no metrics by default, and listens on loopback when a port is given', () => {
      const env = validateEnvironment({});
      expect(env.METRICS_PORT).toBeUndefined();
      expect(env.METRICS_TOKEN).toBeUndefined();
      expect(env.METRICS_HOST).toBe('127.0.0.1');
      expect(validateEnvironment({ METRICS_PORT: '9464' })).toMatchObject({ METRICS_PORT: 9464, METRICS_HOST: '127.0.0.1' });
    });

    it('reads the port, the interface and the token', () => {
      const env = validateEnvironment({ METRICS_PORT: '0', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: TOKEN });
      expect(env).toMatchObject({ METRICS_PORT: 0, METRICS_HOST: '0.0.0.0', METRICS_TOKEN: TOKEN });
    });

    it('treats empty values as unset', () => {
      const env = validateEnvironment({ METRICS_PORT: '', METRICS_HOST: ' ', METRICS_TOKEN: '' });
      expect(env.METRICS_PORT).toBeUndefined();
      expect(env.METRICS_HOST).toBe('127.0.0.1');
      expect(env.METRICS_TOKEN).toBeUndefined();
    });

    it.each(['abc', '70000', '-1', '9464.5'])('refuses METRICS_PORT=%s', (port) => {
      expect(problemsOf({ METRICS_PORT: port })).toContain('METRICS_PORT:');
    });

    it('refuses a short token without printing it', () => {
      const message = problemsOf({ METRICS_TOKEN: 'short-metrics-token' });
      expect(message).toContain('METRICS_TOKEN: METRICS_TOKEN must be at least 32 characters long');
      expect(message).not.toContain('short-metrics-token');
    });

    it('refuses the API port for the metrics server', () => {
      expect(problemsOf({ PORT: '8080', METRICS_PORT: '8080' })).toContain('METRICS_PORT: must differ from PORT');
      expect(problemsOf({ METRICS_PORT: '3000' })).toContain('METRICS_PORT: must differ from PORT');
      expect(validateEnvironment({ PORT: '0', METRICS_PORT: '0' }).METRICS_PORT).toBe(0);
    });
  });

  describe('production', () => {
    it('starts with a real key, an issuer and an audience', () => {
      const env = validateEnvironment(PRODUCTION);
      expect(env.NODE_ENV).toBe('production');
      expect(effectiveJwtSecret(env)).toBe(STRONG_SECRET);
      expect(validateEnvironment({ ...PRODUCTION, JWT_SECRET: undefined, JWT_PUBLIC_KEY: PUBLIC_KEY }).JWT_PUBLIC_KEY).toBe(
        PUBLIC_KEY,
      );
    });

    it('refuses the development secret, configured or implied', () => {
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toMatch(
        /JWT_SECRET: production refuses the development secret/,
      );
      expect(problemsOf({ ...PRODUCTION, JWT_SECRET: undefined })).toMatch(/JWT_SECRET/);
    });

    it('requires JWT_ISSUER and JWT_AUDIENCE', () => {
      expect(problemsOf({ ...PRODUCTION, JWT_ISSUER: undefined })).toMatch(/JWT_ISSUER: required/);
      expect(problemsOf({ ...PRODUCTION, JWT_AUDIENCE: '' })).toMatch(/JWT_AUDIENCE: required/);
      const both = problemsOf({ NODE_ENV: 'production', JWT_SECRET: STRONG_SECRET });
      expect(both).toContain('JWT_ISSUER');
      expect(both).toContain('JWT_AUDIENCE');
    });

    it('does not require them outside production', () => {
      expect(() => validateEnvironment({ NODE_ENV: 'development' })).not.toThrow();
      expect(() => validateEnvironment({ NODE_ENV: 'test' })).not.toThrow();
    });
  });
});
