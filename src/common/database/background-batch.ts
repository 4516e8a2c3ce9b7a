import type { DataSource } from 'typeorm';
import { runSql } from './run-sql';
import type { Tx } from './transaction';

/** The time limit of a background batch's statements (the database's default, 5 s, is the requests'). */
export const BACKGROUND_STATEMENT_TIMEOUT_MS = 60_000;

/**
 * Runs one background batch in a transaction whose statements may take up to a minute.
 * `SET LOCAL` ends with the transaction, so the setting never leaks to the next user of the
 * connection, which through a transaction-mode pooler may be another client altogether.
 */
export async function inBackgroundBatch<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (tx) => {
    await runSql(tx, `SET LOCAL statement_timeout = ${BACKGROUND_STATEMENT_TIMEOUT_MS}`, []);
    return work(tx);
  });
}
