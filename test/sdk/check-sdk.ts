import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

/**
 * `npm run sdk:check`: regenerates the SDK from the committed openapi.json into a
 * temporary folder and fails when it differs from the committed test/sdk/generated, the
 * way CI catches an API change whose SDK was not regenerated.
 */

const ROOT = resolve(__dirname, '../..');
const COMMITTED = join(ROOT, 'test/sdk/generated');
const CONFIG = 'test/sdk/openapi-ts.config.ts';
const GENERATOR = join(ROOT, 'node_modules/.bin/openapi-ts');

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
  return existsSync(dir)
    ? walk(dir)
        .map((path) => relative(dir, path))
        .sort()
    : [];
}

function main(): number {
  const fresh = mkdtempSync(join(tmpdir(), 'sdk-check-'));
  try {
    const run = spawnSync(GENERATOR, ['-f', CONFIG, '--silent'], {
      cwd: ROOT,
      env: { ...process.env, SDK_OUTPUT: fresh },
      encoding: 'utf8',
    });
    if (run.status !== 0) {
      process.stderr.write(`sdk:check: the generator failed (exit ${run.status ?? run.signal}):\n${run.stdout}${run.stderr}`);
      return 1;
    }
    const expected = filesUnder(fresh);
    const actual = filesUnder(COMMITTED);
    if (expected.length === 0) {
      process.stderr.write('sdk:check: the generator wrote no files\n');
      return 1;
    }
    const problems = [
      ...expected.filter((file) => !actual.includes(file)).map((file) => `missing:  test/sdk/generated/${file}`),
      ...actual.filter((file) => !expected.includes(file)).map((file) => `extra:    test/sdk/generated/${file}`),
      ...expected
        .filter((file) => actual.includes(file))
        .filter((file) => readFileSync(join(fresh, file), 'utf8') !== readFileSync(join(COMMITTED, file), 'utf8'))
        .map((file) => `differs:  test/sdk/generated/${file}`),
    ];
    if (problems.length > 0) {
      process.stderr.write(
        [
          'sdk:check: the committed SDK is not what openapi.json generates:',
          ...problems.map((problem) => `  ${problem}`),
          'Run `npm run openapi:export` (after an API change) and `npm run sdk:generate`, then commit test/sdk/generated.',
          '',
        ].join('\n'),
      );
      return 1;
    }
    process.stdout.write(`sdk:check: test/sdk/generated matches openapi.json (${expected.length} files)\n`);
    return 0;
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

process.exitCode = main();
