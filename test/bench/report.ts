import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Figures, LoadResult } from './load';

export interface OperationResult {
  operation: string;
  kind: 'read' | 'write';
  service: LoadResult;
  baseline?: LoadResult;
  /** Service req/s divided by baseline req/s (reads only). */
  throughputRatio?: number | null;
}

export interface BenchReport {
  date: string;
  machine: {
    cpuModel: string;
    cpus: number;
    totalMemoryMb: number;
    os: string;
    node: string;
    postgres: string;
    loadAverageAtStart: number[];
  };
  settings: { users: number; durationSeconds: number; warmupSeconds: number; connections: number; databasePoolSize: number };
  ids: Record<string, unknown>;
  operations: OperationResult[];
  memory: { serviceMaxRssMb: number; baselineMaxRssMb: number; samples: number; intervalMs: number };
}

export function throughputRatio(service: Figures, baseline: Figures): number | null {
  return baseline.requestsPerSecond > 0 ? Math.round((service.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100 : null;
}

const HEADER = ['operation', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'base req/s', 'base p50', 'base p99', 'svc/base'];

function cells(name: string, figures: Figures, baseline?: Figures, ratio?: number | null): string[] {
  const show = (value: number | null | undefined) => (value === null || value === undefined ? '-' : String(value));
  return [
    name,
    show(figures.requestsPerSecond),
    show(figures.p50Ms),
    show(figures.p99Ms),
    show(figures.errors),
    show(baseline?.requestsPerSecond),
    show(baseline?.p50Ms),
    show(baseline?.p99Ms),
    show(ratio),
  ];
}

/** One table line per operation; multi-step writes also get a line per step. */
export function formatTable(operations: OperationResult[]): string {
  const rows: string[][] = [];
  for (const result of operations) {
    rows.push(cells(result.operation, result.service, result.baseline, result.throughputRatio));
    if (result.service.steps.length > 1) {
      for (const step of result.service.steps) rows.push(cells(`  - ${step.label}`, step));
    }
  }
  const widths = HEADER.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ');
  return [line(HEADER), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function printReport(report: BenchReport): void {
  const { machine, settings, memory } = report;
  const out = [
    '',
    `${settings.users} users, ${settings.connections} connections, ${settings.durationSeconds} s per operation ` +
      `(+${settings.warmupSeconds} s warm-up), pool ${settings.databasePoolSize}`,
    `${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}, ` +
      `load average at start ${machine.loadAverageAtStart.join(' ')}`,
    machine.postgres,
    '',
    formatTable(report.operations),
    '',
    `service max RSS: ${memory.serviceMaxRssMb} MB (baseline ${memory.baselineMaxRssMb} MB; ${memory.samples} samples every ${memory.intervalMs} ms)`,
  ];
  for (const result of report.operations) {
    if (result.service.notes) out.push(`${result.operation}: ${JSON.stringify(result.service.notes)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results written to ${path}\n`);
}
