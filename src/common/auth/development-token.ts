import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface DevelopmentTokenOptions {
  secret: string;
  /** Left out of the claims when absent (a platform admin's token). */
  tenantId?: string;
  scopes: readonly string[];
  subject?: string;
  expiresInSeconds?: number;
  issuer?: string;
  audience?: string;
}

/** Signs an HS256 token for development and tests. Never used in production. */
export function mintDevelopmentToken(options: DevelopmentTokenOptions): string {
  const claims = { ...(options.tenantId === undefined ? {} : { tenant_id: options.tenantId }), scope: options.scopes.join(' ') };
  return jwt.sign(claims, options.secret, {
    algorithm: 'HS256',
    subject: options.subject ?? 'developer',
    expiresIn: options.expiresInSeconds ?? 12 * 60 * 60,
    jwtid: randomUUID(),
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
}
