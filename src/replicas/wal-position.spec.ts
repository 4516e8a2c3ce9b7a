import { formatWalPosition, parseWalPosition } from './wal-position';

describe('WAL positions', () => {
  it.each([
    ['0/0', 0n],
    ['0/16B3748', 0x16b3748n],
    ['16/B374D848', (0x16n << 32n) | 0xb374d848n],
    ['FFFFFFFF/FFFFFFFF', 2n ** 64n - 1n],
  ])('reads %s as the byte position PostgreSQL means, and prints it back', (text, position) => {
    expect(parseWalPosition(text)).toBe(position);
    expect(formatWalPosition(position)).toBe(text);
  });

  it('compares positions as numbers, not as text', () => {
    expect(parseWalPosition('1/0')! > parseWalPosition('0/FFFFFFFF')!).toBe(true);
    expect(parseWalPosition('0/A0')! > parseWalPosition('0/9F')!).toBe(true);
  });

  it('accepts lower-case hex', () => {
    expect(parseWalPosition('16/b374d848')).toBe(parseWalPosition('16/B374D848'));
  });

  it.each(['', '0', '0/', '/0', '0/0/0', '123456789/0', '0/123456789', 'G/0', ' 0/0', '0/0 ', '-1/0'])('refuses %p', (text) => {
    expect(parseWalPosition(text)).toBeUndefined();
  });
});
