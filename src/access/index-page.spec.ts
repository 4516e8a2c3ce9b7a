import { locateIndexPage } from './index-page';

describe('locateIndexPage', () => {
  it('reads the first half from the start', () => {
    expect(locateIndexPage(1_000, 0, 20)).toEqual({ from: 'start', limit: 20, offset: 0 });
    expect(locateIndexPage(1_000, 480, 20)).toEqual({ from: 'start', limit: 20, offset: 480 });
  });

  it('reads a page past the middle from the end, skipping the rows after it', () => {
    expect(locateIndexPage(1_000, 500, 20)).toEqual({ from: 'end', limit: 20, offset: 480 });
    expect(locateIndexPage(1_000, 980, 20)).toEqual({ from: 'end', limit: 20, offset: 0 });
  });

  it('reads a short last page with a shortened limit', () => {
    expect(locateIndexPage(1_005, 1_000, 20)).toEqual({ from: 'end', limit: 5, offset: 0 });
    expect(locateIndexPage(1, 0, 20)).toEqual({ from: 'end', limit: 1, offset: 0 });
  });

  it('reads nothing for a page past the end or an empty list', () => {
    expect(locateIndexPage(1_000, 1_000, 20)).toEqual({ from: 'nowhere' });
    expect(locateIndexPage(0, 0, 20)).toEqual({ from: 'nowhere' });
  });

  it('never walks more than half of the index plus a page', () => {
    for (const total of [1, 19, 20, 21, 999, 1_000, 1_001]) {
      for (let offset = 0; offset < total; offset += 20) {
        const page = locateIndexPage(total, offset, 20);
        if (page.from === 'nowhere') throw new Error('a page inside the list reads nothing');
        expect(page.offset + page.limit).toBeLessThanOrEqual(Math.ceil(total / 2) + 20);
        // The rows read are exactly the rows of the page.
        const first = page.from === 'start' ? page.offset : total - page.offset - page.limit;
        expect([first, page.limit]).toEqual([offset, Math.min(20, total - offset)]);
      }
    }
  });
});
