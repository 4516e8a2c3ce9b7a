import { createHmac, randomBytes } from 'node:crypto';

/** The header carrying the timestamp and the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'IAM-Signature';

/** A new signing secret, shown once (`whsec_` and 32 random bytes, base64url). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the secret's UTF-8 bytes are the key. */
export function signatureHeader(secret: string, body: string, timestamp: number): string {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${signature}`;
}
