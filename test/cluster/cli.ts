import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULTS, LocalClusterOptions } from './cluster-settings';
import { LocalCluster, PieceStatus } from './local-cluster';
import { programVersions } from './packages';

/**
 * npm run cluster:up | cluster:down | cluster:status [-- --instances N --no-replica --base-dir DIR]
 *
 * up: builds the service, starts what is not running (see LocalCluster.start), prints the
 * status table. down: stops everything found running. status: the table; exit code 0 when
 * every piece runs, 3 otherwise. The options given to `up` are kept in <base-dir>/cluster.json
 * for `down` and `status`.
 */

const USAGE = `Usage: npm run cluster:up|cluster:down|cluster:status [-- --instances N] [--no-replica] [--base-dir DIR]`;

function parseCommandLine(argv: string[]): { command: string; options: LocalClusterOptions } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      instances: { type: 'string' },
      'no-replica': { type: 'boolean' },
      'base-dir': { type: 'string' },
    },
  });
  const command = positionals[0] ?? '';
  if (!['up', 'down', 'status'].includes(command) || positionals.length > 1) throw new Error(USAGE);
  const baseDir = values['base-dir'] ?? DEFAULTS.baseDir;
  // What `up` was given, unless given again now.
  const saved = readSavedOptions(baseDir);
  const options: LocalClusterOptions = { ...saved, baseDir };
  if (values.instances !== undefined) {
    const instances = Number(values.instances);
    if (!Number.isInteger(instances) || instances < 1) throw new Error(`--instances must be a positive whole number\n${USAGE}`);
    options.instances = instances;
  }
  if (values['no-replica']) options.replica = false;
  return { command, options };
}

function readSavedOptions(baseDir: string): LocalClusterOptions {
  const file = join(baseDir, 'cluster.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalClusterOptions) : {};
}

function saveOptions(options: LocalClusterOptions): void {
  const { instances, replica } = options;
  mkdirSync(options.baseDir!, { recursive: true });
  writeFileSync(join(options.baseDir!, 'cluster.json'), `${JSON.stringify({ instances, replica }, null, 2)}\n`);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function up(cluster: LocalCluster, options: LocalClusterOptions): Promise<number> {
  const before = await cluster.status().catch(() => []);
  if (before.length > 0 && before.every((piece) => piece.up)) {
    say('The local cluster is already up (nothing started, nothing rebuilt).\n');
    printStatus(cluster, before);
    return 0;
  }
  if (before.some((piece) => piece.up)) {
    say(
      `Already running: ${before
        .filter((piece) => piece.up)
        .map((piece) => piece.piece)
        .join(', ')}; starting the rest.`,
    );
  }
  try {
    await cluster.assertPortsFree();
  } catch (error) {
    say(`${(error as Error).message}\nNothing started.`);
    return 1;
  }
  say('Building the service (npm run build)...');
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) {
    say('npm run build failed; nothing started.');
    return 1;
  }
  try {
    const programs = await cluster.installPackages(say);
    say(`Using ${(await programVersions(programs)).join(', ')}.`);
    saveOptions(options);
    const served = await cluster.start(say);
    say(`HAProxy served GET /health/ready (200) from ${served.join(', ')}.\n`);
  } catch (error) {
    say(`\ncluster:up failed: ${(error as Error).message}\n`);
    say('What did start keeps running: npm run cluster:status shows it, npm run cluster:down stops it.');
    return 1;
  }
  printStatus(cluster, await cluster.status());
  return 0;
}

async function down(cluster: LocalCluster): Promise<number> {
  try {
    const stopped = await cluster.stop(say);
    say(stopped.length > 0 ? `The local cluster is down (stopped ${stopped.length} pieces).` : 'Nothing was running.');
    return 0;
  } catch (error) {
    say(`cluster:down: ${(error as Error).message}`);
    return 1;
  }
}

async function status(cluster: LocalCluster): Promise<number> {
  const pieces = await cluster.status();
  printStatus(cluster, pieces);
  return pieces.every((piece) => piece.up) ? 0 : 3;
}

function printStatus(cluster: LocalCluster, pieces: PieceStatus[]): void {
  const rows = [
    ['PIECE', 'STATE', 'PID', 'PORT', 'HOW TO REACH IT'],
    ...pieces.map((piece) => [
      piece.piece,
      piece.up ? `up${piece.detail ? ` (${piece.detail})` : ''}` : 'down',
      piece.pid === undefined ? '-' : String(piece.pid),
      piece.port === undefined ? '-' : String(piece.port),
      piece.reach,
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows)
    say(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );

  const base = displayPath(cluster.settings.paths.base);
  const { settings } = cluster;
  say('');
  say(`Clients: ${cluster.url} (HAProxy; the X-Served-By header names the instance that answered).`);
  say('Local development only: PostgreSQL and PgBouncer trust every connection from 127.0.0.1, without a password.');
  const baseOption = cluster.settings.paths.base === resolve(DEFAULTS.baseDir) ? '' : ` -- --base-dir ${base}`;
  say(`State: ${base}/ (data, configurations, logs/<piece>.log, pid files). Stop: npm run cluster:down${baseOption}`);
  say(`PgBouncer's console: psql -h 127.0.0.1 -p ${settings.pgbouncerPort} -U postgres pgbouncer -c 'SHOW POOLS'`);
  if (settings.replica) say(`Replica lag: psql ${cluster.replica.url()} -c 'SELECT now() - pg_last_xact_replay_timestamp()'`);
  say('');
  say(
    `Tokens: the instances verify with their own secret (NODE_ENV=production), kept in ${base}/jwt.env; npm run token signs with it:`,
  );
  say(`  ADMIN=$(env $(cat ${base}/jwt.env) npm run -s token -- --platform-admin)`);
  say(
    `  curl -s -H "Authorization: Bearer $ADMIN" -H 'content-type: application/json' ` +
      `-d '{"name":"Acme","slug":"acme"}' ${cluster.url}/api/v1/tenants`,
  );
  say(`  TOKEN=$(env $(cat ${base}/jwt.env) npm run -s token -- --tenant <tenant id>)`);
}

function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || fromHere === '' ? path : fromHere;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const cluster = new LocalCluster(parsed.options);
  switch (parsed.command) {
    case 'up':
      return up(cluster, parsed.options);
    case 'down':
      return down(cluster);
    default:
      return status(cluster);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
