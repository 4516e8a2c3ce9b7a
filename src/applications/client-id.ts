import { randomBytes } from 'node:crypto';

/** 192 random bits, URL-safe: unguessable and, in practice, globally unique (a unique index backs it). */
export function generateClientId(): string {
  return `app_${randomBytes(24).toString('base64url')}`;
}
