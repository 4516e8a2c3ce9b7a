/** See verify-webhook-signature.js (the receiver's recipe shown in the README). */
export function verifyIamSignature(
  rawBody: Buffer | string,
  header: string | undefined,
  secret: string,
  nowSeconds?: number,
): boolean;
