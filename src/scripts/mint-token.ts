import { parseArgs } from 'node:util';
import { mintDevelopmentToken } from '../common/auth/development-token';
import { PLATFORM_ADMIN, Scope, TENANT_SCOPES } from '../common/auth/scopes';
import { isUuid } from '../common/http/uuid';
import { effectiveJwtSecret, EnvironmentError, validateEnvironment } from '../config/environment';

/**
 * Mints a development bearer token, signed with the HS256 secret the service verifies with:
 *
 *   npm run token -- --tenant <uuid> [--scopes "users:read users:write"] [--subject <sub>] [--expires-in <seconds>]
 *   npm run token -- --platform-admin [--tenant <uuid>]
 *
 * Prints only the token on stdout; errors go to stderr with exit code 2.
 */

export const USAGE = `Usage:
  npm run token -- --tenant <tenant-uuid> [--scopes "<scope> <scope> ..."] [--subject <sub>] [--expires-in <seconds>]
  npm run token -- --platform-admin [--tenant <tenant-uuid>] [--subject <sub>] [--expires-in <seconds>]

Options:
  --tenant <uuid>         the token's tenant_id (required unless --platform-admin)
  --scopes "<list>"       space- or comma-separated scopes (default: every tenant scope)
  --platform-admin        add platform:admin (acts in any tenant); no tenant_id claim unless --tenant is given
  --subject <sub>         the token's sub, recorded as the actor of changes (default: developer)
  --expires-in <seconds>  lifetime in seconds (default: 43200, i.e. 12 h)
  --help                  show this help

Known scopes: ${Object.values(Scope).join(' ')}`;

const MAX_SUBJECT_LENGTH = 255;

export interface MintTokenRequest {
  /** Absent for a platform admin's token without --tenant. */
  tenantId?: string;
  scopes: string[];
  subject?: string;
  expiresInSeconds?: number;
}

export type ParsedArguments = { help: true } | ({ help: false } & MintTokenRequest);

/** A mistake in the command line; the message says what to fix. */
export class UsageError extends Error {}

/** Pure: turns the command line (without node and the script) into a token request. */
export function parseMintTokenArgs(argv: readonly string[]): ParsedArguments {
  let values: {
    tenant?: string;
    scopes?: string;
    subject?: string;
    'expires-in'?: string;
    'platform-admin'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        tenant: { type: 'string' },
        scopes: { type: 'string' },
        subject: { type: 'string' },
        'expires-in': { type: 'string' },
        'platform-admin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) return { help: true };

  const platformAdmin = values['platform-admin'] === true;
  const tenantId = parseTenant(values.tenant, platformAdmin);

  let scopes: string[];
  if (values.scopes !== undefined) {
    scopes = parseScopes(values.scopes);
    if (platformAdmin && !scopes.includes(PLATFORM_ADMIN)) scopes.unshift(PLATFORM_ADMIN);
  } else {
    scopes = platformAdmin ? [PLATFORM_ADMIN] : [...TENANT_SCOPES];
  }

  const request: { help: false } & MintTokenRequest = { help: false, ...(tenantId === undefined ? {} : { tenantId }), scopes };
  if (values.subject !== undefined) request.subject = parseSubject(values.subject);
  if (values['expires-in'] !== undefined) request.expiresInSeconds = parseExpiresIn(values['expires-in']);
  return request;
}

function parseTenant(raw: string | undefined, platformAdmin: boolean): string | undefined {
  if (raw === undefined) {
    if (platformAdmin) return undefined;
    throw new UsageError('--tenant <tenant-uuid> is required (or --platform-admin)');
  }
  const tenantId = raw.trim();
  if (!isUuid(tenantId)) throw new UsageError(`--tenant must be a UUID, got "${raw}"`);
  return tenantId.toLowerCase();
}

function parseScopes(raw: string): string[] {
  const scopes = [...new Set(raw.split(/[\s,]+/).filter((scope) => scope.length > 0))];
  if (scopes.length === 0) throw new UsageError('--scopes is empty; omit it to get every tenant scope');
  const known = new Set<string>(Object.values(Scope));
  const unknown = scopes.filter((scope) => !known.has(scope));
  if (unknown.length > 0) {
    throw new UsageError(`unknown scope${unknown.length > 1 ? 's' : ''}: ${unknown.join(' ')} (known: ${[...known].join(' ')})`);
  }
  return scopes;
}

function parseSubject(raw: string): string {
  const subject = raw.trim();
  if (subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
    throw new UsageError(`--subject must be 1 to ${MAX_SUBJECT_LENGTH} characters`);
  }
  return subject;
}

function parseExpiresIn(raw: string): number {
  const seconds = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`--expires-in must be a positive whole number of seconds, got "${raw}"`);
  }
  return seconds;
}

export interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The whole command: returns the exit code (0, or 2 for any refusal). */
export function runMintToken(argv: readonly string[], rawEnv: Record<string, string | undefined>, output: Output): number {
  const fail = (message: string): number => {
    output.stderr(`mint-token: ${message}\n`);
    return 2;
  };

  let parsed: ParsedArguments;
  try {
    parsed = parseMintTokenArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return fail(`${error.message}\n\n${USAGE}`);
    throw error;
  }
  if (parsed.help) {
    output.stdout(`${USAGE}\n`);
    return 0;
  }

  // Checked before validation: production's own checks would give a less direct message.
  if (rawEnv.NODE_ENV?.trim() === 'production') {
    return fail('refusing to mint development tokens with NODE_ENV=production');
  }
  let env;
  try {
    env = validateEnvironment(rawEnv);
  } catch (error) {
    if (error instanceof EnvironmentError) return fail(error.message);
    throw error;
  }
  const secret = effectiveJwtSecret(env);
  if (!secret) {
    return fail(
      'JWT_PUBLIC_KEY or JWT_JWKS_URI is set, so the service only accepts tokens from your identity provider; there is no secret to sign with',
    );
  }

  const token = mintDevelopmentToken({
    secret,
    tenantId: parsed.tenantId,
    scopes: parsed.scopes,
    subject: parsed.subject,
    expiresInSeconds: parsed.expiresInSeconds,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
  });
  output.stdout(`${token}\n`);
  return 0;
}

if (require.main === module) {
  process.exitCode = runMintToken(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
