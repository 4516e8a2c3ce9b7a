import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { passportJwtSecret } from 'jwks-rsa';
import { Strategy, StrategyOptionsWithRequest } from 'passport-jwt';
import { effectiveJwtSecret, Environment, resolveAlgorithms } from '../../config/environment';
import { consistencyOf } from '../http/consistency';
import { isUuid } from '../http/uuid';
import { AuthErrors } from './auth.errors';
import { Principal } from './principal';
import { PLATFORM_ADMIN } from './scopes';
import { VerifiedTokenCache } from './verified-token-cache';

export interface TokenClaims {
  sub?: unknown;
  tenant_id?: unknown;
  scope?: unknown;
  scp?: unknown;
  exp?: unknown;
}

export const CLOCK_TOLERANCE_SECONDS = 30;

const BEARER_CREDENTIALS = /^Bearer +(.+)$/i;

/**
 * The credentials of `Authorization: Bearer <credentials>`, whole. passport-jwt's own
 * extractor takes the first word after the scheme and drops the rest, so
 * `Bearer <valid token> <anything>` would pass; here the rest is part of the token and
 * fails verification (RFC 6750 §2.1 allows exactly one b64token). Never the query string.
 */
export function bearerCredentials(request: { headers?: Record<string, string | string[] | undefined> }): string | null {
  const header = request.headers?.authorization;
  if (typeof header !== 'string') return null;
  return BEARER_CREDENTIALS.exec(header.trim())?.[1] ?? null;
}

/**
 * Verifies bearer tokens. The accepted algorithms come from configuration, never from
 * the token; the key is an HS256 secret, a PEM public key, or a JWKS looked up by `kid`.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(Environment) env: Environment,
    private readonly verifiedTokens: VerifiedTokenCache,
  ) {
    super(strategyOptions(env));
  }

  /**
   * A claim of the wrong type or shape makes the token invalid (401): `sub` 1..255
   * characters, `exp` a number, `tenant_id` a UUID. Only a platform admin's token may
   * leave `tenant_id` out: an identity provider has no tenant to put there.
   */
  validate(request: FastifyRequest, claims: TokenClaims): Principal {
    if (typeof claims.exp !== 'number') throw AuthErrors.invalidToken.error();
    if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) {
      throw AuthErrors.invalidToken.error();
    }
    const scopes = new Set(scopesOf(claims));
    let tenantId: string | undefined;
    if (claims.tenant_id === undefined) {
      if (!scopes.has(PLATFORM_ADMIN)) throw AuthErrors.invalidToken.error();
    } else {
      if (!isUuid(claims.tenant_id)) throw AuthErrors.invalidToken.error();
      tenantId = claims.tenant_id.toLowerCase();
    }
    const token = bearerCredentials(request);
    if (token !== null) {
      this.verifiedTokens.remember(token, { subject: claims.sub, tenantId, scopes, expiresAt: claims.exp });
    }
    return new Principal(claims.sub, tenantId, scopes, request.id, consistencyOf(request));
  }
}

function scopesOf(claims: TokenClaims): string[] {
  if (typeof claims.scope === 'string') return claims.scope.split(' ').filter(Boolean);
  if (Array.isArray(claims.scp)) return claims.scp.filter((scope): scope is string => typeof scope === 'string');
  if (typeof claims.scp === 'string') return claims.scp.split(' ').filter(Boolean);
  return [];
}

function strategyOptions(env: Environment): StrategyOptionsWithRequest {
  const common = {
    jwtFromRequest: bearerCredentials,
    algorithms: resolveAlgorithms(env),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    ignoreExpiration: false,
    jsonWebTokenOptions: { clockTolerance: CLOCK_TOLERANCE_SECONDS },
    passReqToCallback: true as const,
  };
  if (env.JWT_JWKS_URI) {
    return {
      ...common,
      secretOrKeyProvider: passportJwtSecret({
        jwksUri: env.JWT_JWKS_URI,
        cache: true,
        cacheMaxEntries: 10,
        cacheMaxAge: 10 * 60 * 1000,
        rateLimit: true,
        jwksRequestsPerMinute: 10,
        timeout: 5_000,
      }),
    };
  }
  // passport-jwt hands secretOrKey to jsonwebtoken, which takes a KeyObject; its typings only list string | Buffer.
  return { ...common, secretOrKey: verificationKey(env) as unknown as Buffer };
}

/**
 * The key as a KeyObject, built once: given a string, jsonwebtoken first tries to parse it
 * as a public key on every verification, and that failed parse cost more CPU than the
 * rest of a request.
 */
function verificationKey(env: Environment): KeyObject {
  return env.JWT_PUBLIC_KEY
    ? createPublicKey(env.JWT_PUBLIC_KEY)
    : createSecretKey(Buffer.from(effectiveJwtSecret(env)!, 'utf8'));
}
