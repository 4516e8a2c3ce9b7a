import { existsSync, readFileSync } from 'node:fs';
import type { BenchReport, OperationResult } from './report';

/**
 * `npm run bench:tables`: the README's performance tables, in Markdown, from the results of
 * `npm run bench` at 10k, 100k and 1M users (test/bench/results/bench-<users>.json); a size
 * without results is left out.
 */

const SIZES = [10_000, 100_000, 1_000_000];

function main(): void {
  const reports = SIZES.map((users) => `test/bench/results/bench-${users}.json`)
    .filter((path) => existsSync(path))
    .map((path) => JSON.parse(readFileSync(path, 'utf8')) as BenchReport)
    // Results written before the effective-users shapes (an older run) do not fit the tables.
    .filter((report) => Array.isArray(report.shapes));
  if (reports.length === 0) {
    process.stderr.write('no results: run npm run bench first\n');
    process.exit(1);
  }
  const sizes = reports.map((report) => label(report.settings.users));
  const out: string[] = [];

  out.push(
    '**Effective users by shape** (p50 ms; page 1 with one client and at 16 connections, the middle and the last page with one client; service/bare throughput on page 1 at 16 connections). Targets at 1M: ≤ 20, ≤ 50, ≤ 300, ≤ 300, ≥ 0.7.',
    '',
    `| shape | ${reports.map((report) => `users with access (${label(report.settings.users)})`).join(' | ')} | ${sizes.map((size) => `${size}: p.1 1 client / 16 conn / middle / last / svc÷bare`).join(' | ')} |`,
    `|---|${reports.map(() => '---:').join('|')}|${reports.map(() => '---').join('|')}|`,
  );
  for (const shape of reports[reports.length - 1].shapes) {
    const cells = reports.map((report) => {
      const summary = report.shapes.find((candidate) => candidate.shape === shape.shape);
      if (!summary) return '–';
      const mark = (value: number | null | undefined, met: boolean | null | undefined) =>
        value === null || value === undefined ? '–' : `${value}${met === false ? ' ✗' : ''}`;
      return [
        mark(summary.page1P50MsOneClient, summary.met.page1OneClient),
        mark(summary.page1P50MsConnections, summary.met.page1Connections),
        mark(summary.middleP50MsOneClient, summary.met.middleOneClient),
        mark(summary.lastP50MsOneClient, summary.met.lastOneClient),
        mark(summary.serviceToBareThroughput, summary.met.serviceToBareThroughput),
      ].join(' / ');
    });
    const totals = reports.map(
      (report) => report.shapes.find((candidate) => candidate.shape === shape.shape)?.totalItems.toLocaleString('en-US') ?? '–',
    );
    out.push(`| ${shape.label} | ${totals.join(' | ')} | ${cells.join(' | ')} |`);
  }

  out.push(
    '',
    '**Other reads**, 16 connections: service req/s and p50 ms, and service/bare throughput.',
    '',
    `| read | ${sizes.map((size) => `${size} req/s · p50 · ÷bare`).join(' | ')} |`,
    `|---|${reports.map(() => '---:').join('|')}|`,
  );
  const reads = reports[reports.length - 1].operations.filter((operation) => operation.kind === 'read' && !operation.shapeRead);
  for (const read of reads) out.push(row(read.operation, reports, (found) => readCell(found)));

  out.push(
    '',
    '**Writes** (service only): req/s, p50 and p99 ms of each step.',
    '',
    `| write | ${sizes.map((size) => `${size} req/s · p50 · p99`).join(' | ')} |`,
    `|---|${reports.map(() => '---:').join('|')}|`,
  );
  const writes = reports[reports.length - 1].operations.filter((operation) => operation.kind === 'write');
  for (const write of writes) {
    for (const step of write.service.steps) {
      const name = write.service.steps.length > 1 ? `${write.operation}: ${step.label}` : write.operation;
      out.push(
        row(
          name,
          reports,
          (found) => {
            const measured = found.service.steps.find((candidate) => candidate.label === step.label);
            return measured ? `${measured.requestsPerSecond} · ${measured.p50Ms} · ${measured.p99Ms}` : '–';
          },
          write.operation,
        ),
      );
    }
  }

  out.push('', '**Write targets at 1M users**', '');
  for (const check of reports[reports.length - 1].targetChecks) {
    out.push(`- ${check.met ? 'met' : '**missed**'}: ${check.target}: ${check.value}`);
  }
  out.push(
    '',
    `**Change-event relay** during the writes: ${reports
      .filter((report) => report.relay)
      .map(
        (report) =>
          `${label(report.settings.users)}: at most ${report.relay.maxPendingEvents} events waiting, the oldest ${report.relay.maxOldestPendingSeconds} s, all relayed ${report.relay.drainedAfterSeconds ?? '(not within 60)'} s after the last write`,
      )
      .join('; ')}.`,
    '',
    `**Memory** (service, max RSS): ${reports.map((report) => `${label(report.settings.users)} ${report.memory.serviceMaxRssMb} MB`).join(', ')}.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

function row(name: string, reports: BenchReport[], cell: (found: OperationResult) => string, operation: string = name): string {
  return `| ${name} | ${reports
    .map((report) => {
      const found = report.operations.find((candidate) => candidate.operation === operation);
      return found ? cell(found) : '–';
    })
    .join(' | ')} |`;
}

function readCell(found: OperationResult): string {
  const ratio = found.throughputRatio;
  return `${Math.round(found.service.requestsPerSecond)} · ${found.service.p50Ms} · ${ratio ?? '–'}${ratio !== undefined && ratio !== null && ratio < 0.7 ? ' ✗' : ''}`;
}

function label(users: number): string {
  return users >= 1_000_000 ? `${users / 1_000_000}M` : `${users / 1_000}k`;
}

main();
