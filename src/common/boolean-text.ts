const TRUE_TEXT = new Set(['true', '1', 'yes', 'on']);
const FALSE_TEXT = new Set(['false', '0', 'no', 'off']);

/**
 * A boolean written as text (a query parameter, an environment variable): the spellings
 * the original backend accepted become true or false; anything else is returned as it
 * came, for the validator to refuse with its own message.
 */
export function parseBooleanText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (TRUE_TEXT.has(normalized)) return true;
  if (FALSE_TEXT.has(normalized)) return false;
  return value;
}
