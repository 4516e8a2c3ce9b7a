/**
 * A hook that sees the text of every statement runSql sends. Only the SQL snapshot
 * generator (src/queries/generate-sql.ts) sets it; in the service it stays empty.
 */
export const sqlRecorder: { current?: (sql: string) => void } = {};
