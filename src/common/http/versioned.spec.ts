import { entityTag, parseEntityTags, Versioned } from './versioned';

describe('entity tags', () => {
  it('a version is the strong tag "v<version>"', () => {
    expect(entityTag(3)).toBe('"v3"');
    expect(new Versioned({}, 12).etag).toBe('"v12"');
  });

  it.each([
    ['*', { any: true }],
    ['"v3"', { any: false, tags: [{ weak: false, version: 3 }] }],
    ['W/"v3"', { any: false, tags: [{ weak: true, version: 3 }] }],
    [
      ' "v1" , "v2" ',
      {
        any: false,
        tags: [
          { weak: false, version: 1 },
          { weak: false, version: 2 },
        ],
      },
    ],
    ['"other"', { any: false, tags: [{ weak: false, version: undefined }] }],
    ['"v0"', { any: false, tags: [{ weak: false, version: undefined }] }],
    ['"v01"', { any: false, tags: [{ weak: false, version: undefined }] }],
    ['"v2147483648"', { any: false, tags: [{ weak: false, version: undefined }] }],
    ['""', { any: false, tags: [{ weak: false, version: undefined }] }],
  ])('%s parses', (value, expected) => {
    expect(parseEntityTags(value)).toEqual(expected);
  });

  it.each(['', ' ', ',', 'v3', '"v3', 'v3"', 'W/', 'w/"v3"', '"a" "b"', '"a"b', '"\t"', '*, "v1"'])(
    '%j is malformed',
    (value) => {
      expect(parseEntityTags(value)).toBeUndefined();
    },
  );
});
