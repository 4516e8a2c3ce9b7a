// Verifies an IAM webhook delivery (Node.js >= 18, no dependencies).
// rawBody: the request body exactly as received (a Buffer or string, before any JSON parsing);
// header: the IAM-Signature header; secret: the whsec_... secret shown when the webhook was created.
const { createHmac, timingSafeEqual } = require('node:crypto');

const TOLERANCE_SECONDS = 5 * 60;

function verifyIamSignature(rawBody, header, secret, nowSeconds = Math.floor(Date.now() / 1000)) {
  const parts = Object.fromEntries(
    String(header || '')
      .split(',')
      .map((part) => part.trim().split('=', 2)),
  );
  const timestamp = Number(parts.t);
  if (!Number.isInteger(timestamp) || !/^[0-9a-f]{64}$/.test(parts.v1 || '')) return false;
  if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) return false; // replayed or too old
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(parts.v1, 'hex')); // constant-time compare
}

module.exports = { verifyIamSignature };
