import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * `npm run bench:profile -- DIR [--top N] [--skip S]`: the newest V8 CPU profile in DIR
 * (written by the service under `npm run bench -- --cpu-prof DIR`), as two tables of self
 * time: the top N functions, and the packages (node_modules/<package>, node: internals, this
 * project's own code, garbage collection). `--skip S` leaves out the first S seconds (the
 * start-up: module loading, the OpenAPI document). Self time is where the CPU was, not who
 * called it.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = join(__dirname, '..', '..');

function main(): void {
  const directory = process.argv[2];
  const topIndex = process.argv.indexOf('--top');
  const top = topIndex > 0 ? Number(process.argv[topIndex + 1]) : 20;
  const skipIndex = process.argv.indexOf('--skip');
  const skipMicros = skipIndex > 0 ? Number(process.argv[skipIndex + 1]) * 1e6 : 0;
  if (!directory || !Number.isInteger(top) || top <= 0 || !(skipMicros >= 0)) {
    process.stderr.write('Usage: npm run bench:profile -- <directory with .cpuprofile files> [--top N] [--skip seconds]\n');
    process.exit(2);
  }
  if (!existsSync(directory)) {
    process.stderr.write(`${directory} does not exist (did the service stop cleanly?)\n`);
    process.exit(1);
  }
  const files = readdirSync(directory)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(directory, name))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) {
    process.stderr.write(`no .cpuprofile in ${directory}\n`);
    process.exit(1);
  }
  const profile = JSON.parse(readFileSync(files[0], 'utf8')) as CpuProfile;

  // Self time per node: the time delta that follows each sample belongs to its node.
  const selfMicros = new Map<number, number>();
  let elapsed = 0;
  profile.samples.forEach((nodeId, index) => {
    elapsed += profile.timeDeltas[index] ?? 0;
    if (elapsed < skipMicros) return;
    const delta = profile.timeDeltas[index + 1] ?? 0;
    selfMicros.set(nodeId, (selfMicros.get(nodeId) ?? 0) + delta);
  });
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [nodeId, micros] of selfMicros) {
    const { functionName, url, lineNumber } = nodes.get(nodeId)!.callFrame;
    if (functionName === '(idle)') {
      idle += micros;
      continue;
    }
    total += micros;
    const name = `${functionName || '(anonymous)'} ${location(url, lineNumber)}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
    const pkg = packageOf(functionName, url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  }

  const wall = (profile.endTime - profile.startTime) / 1e6;
  process.stdout.write(
    `${relative(process.cwd(), files[0])}: ${wall.toFixed(1)} s${skipMicros ? ` (first ${skipMicros / 1e6} s left out)` : ''}, busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s\n\n`,
  );
  printTable('self time by function', byFunction, total, top);
  printTable('self time by package', byPackage, total, top);
}

function location(url: string, line: number): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? url.slice('file://'.length) : url;
  return `${path.startsWith(ROOT) ? relative(ROOT, path) : path}:${line + 1}`;
}

function packageOf(functionName: string, url: string): string {
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: V8 and native code)';
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node: internals';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1];
  if (url.includes('/dist/src/')) return 'this service (dist/src)';
  return url;
}

function printTable(title: string, entries: Map<string, number>, total: number, top: number): void {
  process.stdout.write(`${title}\n| % | ms | where |\n|---:|---:|---|\n`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`| ${((100 * micros) / total).toFixed(1)} | ${(micros / 1000).toFixed(0)} | ${name} |\n`);
  }
  process.stdout.write('\n');
}

main();
