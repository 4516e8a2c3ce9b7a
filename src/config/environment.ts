import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUrl, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { parseBooleanText } from '../common/boolean-text';

/** The HS256 secret used when none is configured. Accepted only outside production. */
export const DEVELOPMENT_JWT_SECRET = 'development-secret-change-me-0123456789abcdef';

export const SUPPORTED_JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
] as const;
export type JwtAlgorithm = (typeof SUPPORTED_JWT_ALGORITHMS)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0)
    : value;

const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value);

const toBoolean = ({ value }: { value: unknown }) => parseBooleanText(value);

/** Every environment variable the service reads, validated once at boot. */
export class Environment {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_URL?: string;

  @Transform(toBoolean)
  @IsIn([true, false])
  DATABASE_MIGRATIONS_RUN = true;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  DATABASE_POOL_SIZE = 10;

  /**
   * Where migrations run (and the scripts that need a session of their own): a direct
   * connection to the primary, never through a transaction-mode pooler. Default: DATABASE_URL.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true })
  DATABASE_MIGRATION_URL?: string;

  /** Streaming replicas the heavy reads may be served by (comma-separated; none: the primary serves all). */
  @Transform(toList)
  @IsOptional()
  @IsUrl({ protocols: ['postgres', 'postgresql'], require_tld: false, require_protocol: true }, { each: true })
  DATABASE_REPLICA_URLS: string[] = [];

  /** A replica further behind the primary than this is skipped until it catches up. */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DATABASE_REPLICA_MAX_LAG_MS = 5_000;

  /** How often each instance asks the replicas how far they have replayed. */
  @Transform(toInteger)
  @IsInt()
  @Min(20)
  @Max(60_000)
  DATABASE_REPLICA_CHECK_MS = 200;

  @Transform(toInteger)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_DATABASE_PORT = 54329;

  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  EMBEDDED_DATABASE_DIR = '.data/postgres';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters long' })
  JWT_SECRET?: string;

  // A PEM block written on one line with literal \n (as many secret stores hand it over).
  @Transform(({ value }) => (typeof value === 'string' && value.trim() !== '' ? value.replace(/\\n/g, '\n') : undefined))
  @IsOptional()
  @IsString()
  JWT_PUBLIC_KEY?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true })
  JWT_JWKS_URI?: string;

  @Transform(toList)
  @IsOptional()
  @IsIn(SUPPORTED_JWT_ALGORITHMS, { each: true })
  JWT_ALGORITHMS?: JwtAlgorithm[];

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_ISSUER?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  JWT_AUDIENCE?: string;

  @Transform(emptyToUndefined)
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toBoolean)
  @IsIn([true, false])
  DEMO_SEED = true;

  /**
   * On SIGTERM: how long /health/ready answers 503 (so the load balancer takes the instance
   * out) while requests are still served, before the server stops accepting and drains.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(120_000)
  SHUTDOWN_DRAIN_MS = 0;

  /** Run the effective-access index's background rebuilds in this process (false: a dedicated worker does). */
  @Transform(toBoolean)
  @IsIn([true, false])
  BACKGROUND_WORKERS = true;

  /** NATS server(s) of the JetStream the relay also publishes change events to (unset: no NATS). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  NATS_URL?: string;

  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'NATS_STREAM must be 1 to 64 letters, digits, _ or -' })
  NATS_STREAM = 'IAM_CHANGE_EVENTS';

  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, {
    message: 'NATS_SUBJECT_PREFIX must be dot-separated tokens without wildcards',
  })
  NATS_SUBJECT_PREFIX = 'iam.events';

  /** Events the relay takes per batch. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  EVENT_RELAY_BATCH_SIZE = 200;

  /** How long an idle relay waits before looking for new events again (doubling up to BACKGROUND_IDLE_MAX_MS). */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(60_000)
  EVENT_RELAY_POLL_MS = 200;

  /**
   * The longest wait of an idle background lane: each look that finds nothing doubles the
   * wait up to this; a change committed in this process ends it at once.
   */
  @Transform(toInteger)
  @IsInt()
  @Min(10)
  @Max(60_000)
  BACKGROUND_IDLE_MAX_MS = 2_000;

  /** Webhook URLs may be http:// (otherwise https only; always allowed when NODE_ENV=development). */
  @Transform(toBoolean)
  @IsIn([true, false])
  WEBHOOK_ALLOW_HTTP = false;

  /** Webhook URLs may resolve to loopback, private, link-local, multicast or unspecified addresses. */
  @Transform(toBoolean)
  @IsIn([true, false])
  WEBHOOK_ALLOW_PRIVATE_NETWORKS = false;

  /** Time limit of one delivery POST (connect to last byte of the answer). */
  @Transform(toInteger)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  /** Subscriptions delivered to at once by one relay (each one event at a time, in order). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(200)
  WEBHOOK_CONCURRENCY = 10;

  /** Exponential backoff with full jitter: the n-th retry waits random(0, min(max, base * 2^(n-1))). */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  WEBHOOK_RETRY_BASE_MS = 1_000;

  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(86_400_000)
  WEBHOOK_RETRY_MAX_DELAY_MS = 3_600_000;

  /** A delivery is retried for this long after its first attempt, then marked failed. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(7 * 86_400)
  WEBHOOK_RETRY_FOR_SECONDS = 86_400;

  /** A subscription is paused after this many events in a row finally failed... */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_PAUSE_AFTER_FAILED_EVENTS = 5;

  /** ...or after failing without a success for this long. */
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(30 * 86_400)
  WEBHOOK_PAUSE_AFTER_SECONDS = 86_400;

  /** Serve Prometheus metrics (GET /metrics only) on this port, apart from the API (unset: no metrics server; 0: any free port). */
  @Transform(toInteger)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  /** Interface of the metrics server: loopback by default, so only the host (or its sidecar) can scrape. */
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(1)
  METRICS_HOST = '127.0.0.1';

  /** Bearer token that /metrics requires; when set, /metrics is also served on the API port. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'METRICS_TOKEN must be at least 32 characters long' })
  METRICS_TOKEN?: string;
}

const ENVIRONMENT_VARIABLES: ReadonlyArray<keyof Environment> = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'DATABASE_MIGRATIONS_RUN',
  'DATABASE_POOL_SIZE',
  'DATABASE_MIGRATION_URL',
  'DATABASE_REPLICA_URLS',
  'DATABASE_REPLICA_MAX_LAG_MS',
  'DATABASE_REPLICA_CHECK_MS',
  'EMBEDDED_DATABASE_PORT',
  'EMBEDDED_DATABASE_DIR',
  'JWT_SECRET',
  'JWT_PUBLIC_KEY',
  'JWT_JWKS_URI',
  'JWT_ALGORITHMS',
  'JWT_ISSUER',
  'JWT_AUDIENCE',
  'LOG_LEVEL',
  'DEMO_SEED',
  'SHUTDOWN_DRAIN_MS',
  'BACKGROUND_WORKERS',
  'NATS_URL',
  'NATS_STREAM',
  'NATS_SUBJECT_PREFIX',
  'EVENT_RELAY_BATCH_SIZE',
  'EVENT_RELAY_POLL_MS',
  'BACKGROUND_IDLE_MAX_MS',
  'WEBHOOK_ALLOW_HTTP',
  'WEBHOOK_ALLOW_PRIVATE_NETWORKS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_CONCURRENCY',
  'WEBHOOK_RETRY_BASE_MS',
  'WEBHOOK_RETRY_MAX_DELAY_MS',
  'WEBHOOK_RETRY_FOR_SECONDS',
  'WEBHOOK_PAUSE_AFTER_FAILED_EVENTS',
  'WEBHOOK_PAUSE_AFTER_SECONDS',
  'METRICS_PORT',
  'METRICS_HOST',
  'METRICS_TOKEN',
];

export class EnvironmentError extends Error {}

/**
 * Parses and checks the environment. Throws an EnvironmentError naming every bad
 * variable, so the process stops before it listens.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const input: Record<string, unknown> = {};
  for (const key of ENVIRONMENT_VARIABLES) {
    // An empty variable (`LOG_LEVEL=` in a .env file, `${VAR}` of an unset one in compose) is unset: its default applies.
    if (raw[key] !== undefined && !isBlank(raw[key])) input[key] = raw[key];
  }
  const env = plainToInstance(Environment, input, { exposeDefaultValues: true });
  const problems = validateSync(env, { skipMissingProperties: false }).map(
    (error) => `${error.property}: ${Object.values(error.constraints ?? {}).join('; ')}`,
  );
  problems.push(...crossFieldProblems(env));
  if (problems.length > 0) {
    throw new EnvironmentError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

function crossFieldProblems(env: Environment): string[] {
  const problems: string[] = [];
  const keySources = [env.JWT_SECRET, env.JWT_PUBLIC_KEY, env.JWT_JWKS_URI].filter(Boolean).length;
  if (keySources > 1) {
    problems.push('JWT_SECRET, JWT_PUBLIC_KEY, JWT_JWKS_URI: set only one of them');
  }
  const algorithms = resolveAlgorithms(env);
  const symmetric = algorithms.filter((alg) => alg.startsWith('HS'));
  if (env.JWT_SECRET || keySources === 0) {
    if (symmetric.length !== algorithms.length) {
      problems.push('JWT_ALGORITHMS: an HS256 secret can only verify HS* algorithms');
    }
  } else if (symmetric.length > 0) {
    problems.push('JWT_ALGORITHMS: HS* algorithms cannot be used with a public key or JWKS (RFC 8725 §3.1)');
  }
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (the metrics server listens apart from the API)');
  }
  if (env.NODE_ENV === 'production') {
    if (keySources === 0 || env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
      problems.push(
        'JWT_SECRET: production refuses the development secret; configure JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URI',
      );
    }
    if (!env.JWT_ISSUER) problems.push('JWT_ISSUER: required when NODE_ENV=production');
    if (!env.JWT_AUDIENCE) problems.push('JWT_AUDIENCE: required when NODE_ENV=production');
  }
  return problems;
}

/** The algorithms accepted for verification: configured, or the key type's default. */
export function resolveAlgorithms(env: Environment): JwtAlgorithm[] {
  if (env.JWT_ALGORITHMS && env.JWT_ALGORITHMS.length > 0) return env.JWT_ALGORITHMS;
  return env.JWT_PUBLIC_KEY || env.JWT_JWKS_URI ? ['RS256'] : ['HS256'];
}

/** The HS256 secret in effect (the development secret when nothing is configured). */
export function effectiveJwtSecret(env: Environment): string | undefined {
  if (env.JWT_PUBLIC_KEY || env.JWT_JWKS_URI) return undefined;
  return env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET;
}
