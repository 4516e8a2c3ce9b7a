/** An ILIKE pattern that finds `text` anywhere: `%` and `_` in user text match literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}
