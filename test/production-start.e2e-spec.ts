import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEVELOPMENT_JWT_SECRET } from '../src/config/environment';

/** The real entry point, as an operator would start it, with a production configuration that is not safe. */
function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, '..', 'src', 'main.ts')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('A production start', () => {
  it('refuses the development secret, naming the variable, before touching any database', () => {
    const result = start({
      NODE_ENV: 'production',
      JWT_SECRET: DEVELOPMENT_JWT_SECRET,
      JWT_ISSUER: 'https://idp.example',
      JWT_AUDIENCE: 'iam',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_SECRET');
    expect(result.stderr).toMatch(/development secret/);
    expect(result.stdout).not.toContain('listening');
  });

  it('refuses to run without an issuer and audience to check', () => {
    const result = start({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-of-enough-length-123',
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('JWT_ISSUER');
    expect(result.stderr).toContain('JWT_AUDIENCE');
  });
});
