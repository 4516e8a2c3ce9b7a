/** Where a page of an ordered index is read from: its start, or its end when that is closer. */
export type IndexPage =
  { from: 'nowhere' } | { from: 'start'; limit: number; offset: number } | { from: 'end'; limit: number; offset: number };

/**
 * The page at `offset` (`limit` rows) of `total` rows in index order. A page past the
 * middle is counted from the end, so no page walks more than half of the index; the last
 * page, which may be short, is read with a shortened limit from the very end.
 */
export function locateIndexPage(total: number, offset: number, limit: number): IndexPage {
  if (offset >= total) return { from: 'nowhere' };
  const after = total - offset - limit;
  if (after >= offset) return { from: 'start', limit, offset };
  return after >= 0 ? { from: 'end', limit, offset: after } : { from: 'end', limit: limit + after, offset: 0 };
}
