/**
 * A PostgreSQL WAL position (an LSN) as the server prints it, `16/B374D848`: two hex words,
 * the high and the low 32 bits of a 64-bit byte position. Compared as that number.
 */
export type WalPosition = bigint;

const LSN = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** The position of `16/B374D848`; undefined when the text is not an LSN. */
export function parseWalPosition(text: string): WalPosition | undefined {
  const match = LSN.exec(text);
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** The text PostgreSQL prints for a position (upper-case hex, as `pg_lsn` does). */
export function formatWalPosition(position: WalPosition): string {
  return `${(position >> 32n).toString(16).toUpperCase()}/${(position & 0xffffffffn).toString(16).toUpperCase()}`;
}
