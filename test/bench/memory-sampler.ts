import { readFileSync } from 'node:fs';

/** Samples a process's resident memory (VmRSS in /proc/<pid>/status) at a fixed interval and keeps the maximum. */
export class MemorySampler {
  private timer?: NodeJS.Timeout;
  private maxKb = 0;
  private samples = 0;

  constructor(
    private readonly pid: number,
    private readonly intervalMs = 200,
  ) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    return this;
  }

  stop(): { maxRssMb: number; samples: number; intervalMs: number } {
    clearInterval(this.timer);
    this.timer = undefined;
    return { maxRssMb: Math.round((this.maxKb / 1024) * 10) / 10, samples: this.samples, intervalMs: this.intervalMs };
  }

  private sample(): void {
    let status: string;
    try {
      status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    } catch {
      return; // the process has exited
    }
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    this.maxKb = Math.max(this.maxKb, kb);
    this.samples += 1;
  }
}
