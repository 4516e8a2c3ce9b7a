import { findRawInputIssue, MAX_INPUT_DEPTH, MAX_OBJECT_FIELDS } from './raw-input';

describe('findRawInputIssue', () => {
  it('accepts ordinary input, unicode included', () => {
    expect(
      findRawInputIssue({ name: 'Ünïcødé 😀', ids: ['a', 'b'], nested: { ok: [1, { deep: 'x' }] } }, 'body'),
    ).toBeUndefined();
  });

  it('names the field holding a NUL character or an unpaired surrogate', () => {
    expect(findRawInputIssue({ a: 'fine', b: 'x\u0000y' }, 'body')).toEqual(
      expect.objectContaining({ loc: ['body', 'b'], type: 'string_unicode' }),
    );
    expect(findRawInputIssue({ ids: ['ok', '\ud800'] }, 'body')?.loc).toEqual(['body', 'ids', 1]);
    expect(findRawInputIssue({ q: 'a\udfffb' }, 'query')?.loc).toEqual(['query', 'q']);
    expect(findRawInputIssue({ pair: '\ud83d\ude00' }, 'body')).toBeUndefined();
  });

  it('refuses nesting deeper than the limit without overflowing itself', () => {
    let deep: unknown = 'leaf';
    for (let level = 0; level < 100_000; level += 1) deep = [deep];
    expect(findRawInputIssue({ name: deep }, 'body')).toEqual(
      expect.objectContaining({ loc: ['body', 'name'], type: 'value_error' }),
    );
    let limit: unknown = 'leaf';
    for (let level = 1; level < MAX_INPUT_DEPTH; level += 1) limit = [limit];
    expect(findRawInputIssue({ name: limit }, 'body')).toBeUndefined();
  });

  it('counts fields only when asked to', () => {
    const many = Object.fromEntries(Array.from({ length: MAX_OBJECT_FIELDS + 1 }, (_, index) => [`f${index}`, index]));
    expect(findRawInputIssue(many, 'body', MAX_OBJECT_FIELDS)).toEqual(
      expect.objectContaining({ loc: ['body'], type: 'too_long' }),
    );
    expect(findRawInputIssue(many, 'query')).toBeUndefined();
  });
});
