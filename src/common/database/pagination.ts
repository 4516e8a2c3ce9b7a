import { offsetOf, type PageRequest } from '../http/page';
import { type Queryable, runSql } from './run-sql';

/** One page of rows and the total they come from. */
export interface PageOfRows<Row> {
  rows: Row[];
  total: number;
}

export interface PagedStatement {
  /** The rows in their documented order, without LIMIT/OFFSET (added here). */
  rows: string;
  /** `SELECT count(*) AS total ...` over the same rows. */
  count: string;
  parameters: unknown[];
}

/** The shared way a list is paged: the page and the total, two statements in parallel. */
export async function selectPage<Row>(source: Queryable, statement: PagedStatement, page: PageRequest): Promise<PageOfRows<Row>> {
  const limit = statement.parameters.length + 1;
  const [rows, count] = await Promise.all([
    runSql<Row>(source, `${statement.rows} LIMIT $${limit} OFFSET $${limit + 1}`, [
      ...statement.parameters,
      page.perPage,
      offsetOf(page),
    ]),
    runSql<{ total: string }>(source, statement.count, statement.parameters),
  ]);
  return { rows: rows.rows, total: Number(count.rows[0].total) };
}
