import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { generatedSqlMethods } from '../src/common/database/generate-sql';
import { databaseOptions } from '../src/database/database.options';
import { buildSqlSnapshot, repositoryFiles, SNAPSHOT_DIR } from '../src/queries/sql-snapshot';

/**
 * The committed SQL snapshot (src/queries/*.sql) is what the repositories send: a change to
 * any statement shows in review, because this fails until `npm run sql:generate` is run
 * and its output committed.
 */
describe('SQL snapshot of the repositories', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = new DataSource(databaseOptions({ url: process.env.TEST_DATABASE_URL! }));
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  it('is exactly what the repositories send (run `npm run sql:generate` after changing a statement)', async () => {
    const generated = await buildSqlSnapshot(dataSource);
    const committed = new Map(
      readdirSync(SNAPSHOT_DIR)
        .filter((name) => name.endsWith('.sql'))
        .map((name) => [name, readFileSync(join(SNAPSHOT_DIR, name), 'utf8')]),
    );
    expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [name, content] of generated) expect([name, committed.get(name)]).toEqual([name, content]);
  });

  it('covers every method of every repository', () => {
    const undecorated: string[] = [];
    for (const file of repositoryFiles()) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the files are found at run time
      for (const exported of Object.values(require(file) as Record<string, unknown>)) {
        if (typeof exported !== 'function' || !exported.name.endsWith('Repository')) continue;
        const decorated = new Set(generatedSqlMethods(exported as new () => unknown).map(({ method }) => method));
        const methods = Object.getOwnPropertyNames(exported.prototype).filter(
          (name) => name !== 'constructor' && typeof (exported.prototype as Record<string, unknown>)[name] === 'function',
        );
        undecorated.push(...methods.filter((name) => !decorated.has(name)).map((name) => `${exported.name}.${name}`));
      }
    }
    expect(undecorated).toEqual([]);
  });
});
