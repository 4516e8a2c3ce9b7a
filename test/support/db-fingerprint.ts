import type { DataSource } from 'typeorm';

/** Per table: how many rows, and a hash of their whole content (so an UPDATE shows too). */
export type Fingerprint = Record<string, { rows: number; hash: string }>;

let cachedTables: { key: DataSource; sql: string; tables: string[] } | undefined;

/** Every table of the public schema but the migrations bookkeeping. */
export async function applicationTables(dataSource: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'typeorm_migrations'
      ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

/**
 * The content of every table, in one statement. Meant for a database that only the
 * calling suite uses (see isolated-app.ts): then "unchanged" means unchanged.
 */
export async function fingerprint(dataSource: DataSource): Promise<Fingerprint> {
  if (!cachedTables || cachedTables.key !== dataSource) {
    const tables = await applicationTables(dataSource);
    if (tables.length === 0) throw new Error('no tables to fingerprint');
    const sql = tables
      .map(
        (table) =>
          `SELECT '${table}' AS table_name, count(*)::int AS rows,
                  md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS hash
             FROM "${table}" t`,
      )
      .join(' UNION ALL ');
    cachedTables = { key: dataSource, sql, tables };
  }
  const rows: Array<{ table_name: string; rows: number; hash: string }> = await dataSource.query(cachedTables.sql);
  return Object.fromEntries(rows.map((row) => [row.table_name, { rows: Number(row.rows), hash: row.hash }]));
}

export function sameFingerprint(before: Fingerprint, after: Fingerprint): boolean {
  return JSON.stringify(before) === JSON.stringify(after);
}

/** The tables whose content differs, with their row counts before → after. */
export function fingerprintDiff(before: Fingerprint, after: Fingerprint): Record<string, string> {
  const changed: Record<string, string> = {};
  for (const table of Object.keys({ ...before, ...after })) {
    if (before[table]?.hash !== after[table]?.hash) changed[table] = `${before[table]?.rows} → ${after[table]?.rows} rows`;
  }
  return changed;
}
