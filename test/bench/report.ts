import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { dirname } from 'node:path';
import type { Figures, LoadResult } from './load';
import type { RelayLag } from './relay-lag-sampler';
import type { ShapeRead } from './scenarios';

export interface OperationResult {
  operation: string;
  kind: 'read' | 'write';
  /** Set on the effective-users reads of a shape. */
  shapeRead?: ShapeRead;
  service: LoadResult;
  baseline?: LoadResult;
  /** Service req/s divided by baseline req/s (reads only). */
  throughputRatio?: number | null;
}

/** The machine a run measured on; other work on it skews every figure, hence the load average. */
export interface MachineFacts {
  cpuModel: string;
  cpus: number;
  totalMemoryMb: number;
  os: string;
  node: string;
  postgres: string;
  loadAverageAtStart: number[];
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

export function machineFacts(postgres: string, loadAverageAtStart: number[]): MachineFacts {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    totalMemoryMb: Math.round(totalmem() / 1024 / 1024),
    os: `${type()} ${release()}`,
    node: process.version,
    postgres,
    loadAverageAtStart,
  };
}

/** The machine line of a printed report. */
export function formatMachine(machine: MachineFacts): string {
  return (
    `${machine.cpus} x ${machine.cpuModel}, ${machine.totalMemoryMb} MB, ${machine.os}, node ${machine.node}, ` +
    `load average at start ${machine.loadAverageAtStart.join(' ')}`
  );
}

export interface BenchReport {
  date: string;
  machine: MachineFacts;
  settings: {
    users: number;
    durationSeconds: number;
    /** Of each one-client read (middle and last pages, page 1 with one client). */
    oneClientDurationSeconds: number;
    warmupSeconds: number;
    connections: number;
    databasePoolSize: number;
  };
  ids: Record<string, unknown>;
  operations: OperationResult[];
  /** The targets (TARGETS). */
  targets: typeof TARGETS;
  /** Effective users by shape, each figure against its target. */
  shapes: ShapeSummary[];
  /** The write targets, each met or missed. */
  targetChecks: TargetCheck[];
  /** The change-event relay while the writes ran (outbox rows waiting, their age, the catch-up). */
  relay: RelayLag;
  memory: { serviceMaxRssMb: number; baselineMaxRssMb: number; samples: number; intervalMs: number };
}

/** The targets, stated for 1M users. Latencies are the service's p50. */
export const TARGETS = {
  effectiveUsersPage1P50MsOneClient: 20,
  effectiveUsersPage1P50Ms16Connections: 50,
  effectiveUsersAnyPageP50MsOneClient: 300,
  serviceToBareThroughput: 0.7,
  memberAddRemoveP50Ms: 20,
  /** Every assign of an application to Region Large (40% of the users) answers within this. */
  assignToLargeGroupMaxMs: 2000,
  /** The read right after that assign (and after the unassign) has the exact total. */
  readAfterAssignExact: true,
} as const;

/** One shape's effective users: the service's p50s (ms), the service / bare throughput on page 1, each against its target. */
export interface ShapeSummary {
  shape: string;
  label: string;
  totalItems: number;
  page1P50MsOneClient: number | null;
  /** At the run's connections (16 by default). */
  page1P50MsConnections: number | null;
  connections: number | null;
  middlePage: number | null;
  middleP50MsOneClient: number | null;
  lastPage: number | null;
  lastP50MsOneClient: number | null;
  /** Page 1 at the run's connections. */
  serviceToBareThroughput: number | null;
  /** null: not measured (an empty list has no middle or last page). */
  met: {
    page1OneClient: boolean | null;
    page1Connections: boolean | null;
    middleOneClient: boolean | null;
    lastOneClient: boolean | null;
    serviceToBareThroughput: boolean | null;
  };
}

export interface TargetCheck {
  target: string;
  value: string;
  met: boolean;
}

/** The per-shape summary of the effective-users reads, in the order of the shapes. */
export function summarizeShapes(operations: OperationResult[]): ShapeSummary[] {
  const shapes = new Map<string, OperationResult[]>();
  for (const result of operations) {
    if (result.shapeRead) shapes.set(result.shapeRead.shape, [...(shapes.get(result.shapeRead.shape) ?? []), result]);
  }
  return [...shapes.values()].map((reads) => {
    const find = (position: string, oneClient: boolean) =>
      reads.find((read) => read.shapeRead!.position === position && (read.service.connections === 1) === oneClient);
    const page1 = find('page 1', true);
    const page1Loaded = find('page 1', false);
    const middle = find('middle', true);
    const last = find('last', true);
    const p50 = (result?: OperationResult) => result?.service.p50Ms ?? null;
    const within = (value: number | null, limit: number, measured: boolean) =>
      measured ? value !== null && value <= limit : null;
    const ratio = page1Loaded?.throughputRatio ?? null;
    const { shape, label, totalItems } = reads[0].shapeRead!;
    return {
      shape,
      label,
      totalItems,
      page1P50MsOneClient: p50(page1),
      page1P50MsConnections: p50(page1Loaded),
      connections: page1Loaded?.service.connections ?? null,
      middlePage: middle?.shapeRead?.page ?? null,
      middleP50MsOneClient: p50(middle),
      lastPage: last?.shapeRead?.page ?? null,
      lastP50MsOneClient: p50(last),
      serviceToBareThroughput: ratio,
      met: {
        page1OneClient: within(p50(page1), TARGETS.effectiveUsersPage1P50MsOneClient, page1 !== undefined),
        page1Connections: within(p50(page1Loaded), TARGETS.effectiveUsersPage1P50Ms16Connections, page1Loaded !== undefined),
        middleOneClient: within(p50(middle), TARGETS.effectiveUsersAnyPageP50MsOneClient, middle !== undefined),
        lastOneClient: within(p50(last), TARGETS.effectiveUsersAnyPageP50MsOneClient, last !== undefined),
        serviceToBareThroughput: page1Loaded ? ratio !== null && ratio >= TARGETS.serviceToBareThroughput : null,
      },
    };
  });
}

export function throughputRatio(service: Figures, baseline: Figures): number | null {
  return baseline.requestsPerSecond > 0 ? Math.round((service.requestsPerSecond / baseline.requestsPerSecond) * 100) / 100 : null;
}

const HEADER = [
  'operation',
  'conn',
  'req/s',
  'p50 ms',
  'p99 ms',
  'max ms',
  'errors',
  'base req/s',
  'base p50',
  'base p99',
  'svc/base',
];

const show = (value: number | null | undefined) => (value === null || value === undefined ? '-' : String(value));

function cells(
  name: string,
  connections: number | undefined,
  figures: Figures,
  baseline?: Figures,
  ratio?: number | null,
): string[] {
  return [
    name,
    show(connections),
    show(figures.requestsPerSecond),
    show(figures.p50Ms),
    show(figures.p99Ms),
    show(figures.maxMs),
    show(figures.errors),
    show(baseline?.requestsPerSecond),
    show(baseline?.p50Ms),
    show(baseline?.p99Ms),
    show(ratio),
  ];
}

/** Columns padded to their widest cell, the first left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** One table line per operation; multi-step writes also get a line per step. */
export function formatTable(operations: OperationResult[]): string {
  const rows: string[][] = [];
  for (const result of operations) {
    rows.push(cells(result.operation, result.service.connections, result.service, result.baseline, result.throughputRatio));
    if (result.service.steps.length > 1) {
      for (const step of result.service.steps) rows.push(cells(`  - ${step.label}`, undefined, step));
    }
  }
  return table(HEADER, rows);
}

/** A figure and whether it meets its target: "12.5 ok", "40.1 MISS", or "-" when not measured. */
function judged(value: number | null, met: boolean | null): string {
  if (met === null) return '-';
  return `${show(value)} ${met ? 'ok' : 'MISS'}`;
}

/** The per-shape table: who can use the application, and the p50s against the targets. */
export function formatShapes(shapes: ShapeSummary[]): string {
  const connections = shapes.find((shape) => shape.connections !== null)?.connections ?? '-';
  const header = [
    'shape',
    'users with access',
    'p.1 p50, 1 client',
    `p.1 p50, ${connections} conn`,
    'middle p50, 1 client',
    'last p50, 1 client',
    'svc/bare (p.1)',
  ];
  const rows = shapes.map((shape) => [
    shape.label,
    String(shape.totalItems),
    judged(shape.page1P50MsOneClient, shape.met.page1OneClient),
    judged(shape.page1P50MsConnections, shape.met.page1Connections),
    shape.middlePage === null ? '-' : `p. ${shape.middlePage}: ${judged(shape.middleP50MsOneClient, shape.met.middleOneClient)}`,
    shape.lastPage === null ? '-' : `p. ${shape.lastPage}: ${judged(shape.lastP50MsOneClient, shape.met.lastOneClient)}`,
    judged(shape.serviceToBareThroughput, shape.met.serviceToBareThroughput),
  ]);
  return [
    `effective users by shape, service p50 in ms (targets at 1M users: page 1 <= ${TARGETS.effectiveUsersPage1P50MsOneClient} ms ` +
      `with 1 client and <= ${TARGETS.effectiveUsersPage1P50Ms16Connections} ms at 16 connections, any page <= ` +
      `${TARGETS.effectiveUsersAnyPageP50MsOneClient} ms with 1 client, service >= ${TARGETS.serviceToBareThroughput} x bare throughput)`,
    table(header, rows),
  ].join('\n');
}

export function printReport(report: BenchReport): void {
  const { machine, settings, memory } = report;
  const out = [
    '',
    `${settings.users} users, ${settings.connections} connections, ${settings.durationSeconds} s per operation, ` +
      `${settings.oneClientDurationSeconds} s per one-client read (+${settings.warmupSeconds} s warm-up), pool ${settings.databasePoolSize}`,
    formatMachine(machine),
    machine.postgres,
    '',
    formatTable(report.operations),
    '',
    ...(report.shapes.length > 0 ? [formatShapes(report.shapes), ''] : []),
    ...(report.targetChecks.length > 0
      ? [
          'write targets (at 1M users):',
          ...report.targetChecks.map((check) => `  ${check.met ? 'ok  ' : 'MISS'} ${check.target}: ${check.value}`),
          '',
        ]
      : []),
    `change-event relay during the writes: at most ${report.relay.maxPendingEvents} events waiting, the oldest ` +
      `${report.relay.maxOldestPendingSeconds} s old; all relayed ${report.relay.drainedAfterSeconds ?? 'not within 60'} s after the last write ` +
      `(${report.relay.samples} samples every ${report.relay.intervalMs} ms)`,
    `service max RSS: ${memory.serviceMaxRssMb} MB (baseline ${memory.baselineMaxRssMb} MB; ${memory.samples} samples every ${memory.intervalMs} ms)`,
  ];
  for (const result of report.operations) {
    if (result.service.notes) out.push(`${result.operation}: ${JSON.stringify(result.service.notes)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

export function writeReport(path: string, report: object): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`results written to ${path}\n`);
}
