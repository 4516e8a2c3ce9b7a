import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus as cpuList } from 'node:os';

/**
 * Where the machine's CPU time went during a run, from /proc (Linux): the machine's busy
 * time, and the CPU time of groups of processes, each group a set of root pids with all
 * their descendants (a PostgreSQL server is its postmaster and the backends it forks).
 * What no group claims (the kernel, other work on the machine) is `other`.
 */

export interface CpuSnapshot {
  at: number;
  /** Ticks of every CPU since boot: all of them, and those not idle (idle and iowait excluded). */
  machine: { total: number; busy: number };
  /** Each live process by pid and start time (a reused pid is another process): its parent and its ticks. */
  processes: Map<string, { pid: number; ppid: number; ticks: number }>;
}

export interface CpuUsage {
  seconds: number;
  cpus: number;
  /** Share of all the CPUs' time that was busy (1 = every core busy all the time). */
  busyFraction: number;
  /** CPU seconds of each group, and `other`: busy time no group accounts for. */
  cpuSeconds: Record<string, number>;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export function cpuSnapshot(): CpuSnapshot {
  // cpu  user nice system idle iowait irq softirq steal (guest time is inside user).
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const processes: CpuSnapshot['processes'] = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the fields follow the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [ppid, utime, stime, startTime] = [rest[1], rest[11], rest[12], rest[19]].map(Number);
    processes.set(`${entry}@${startTime}`, { pid: Number(entry), ppid, ticks: utime + stime });
  }
  return { at: performance.now(), machine: { total, busy: total - fields[3] - fields[4] }, processes };
}

/**
 * The CPU time between two snapshots, by group (`groups`: name → root pids). A process that
 * exited before `after` is not counted; one that started after `before` counts whole.
 */
export function cpuUsage(before: CpuSnapshot, after: CpuSnapshot, groups: Record<string, number[]>): CpuUsage {
  const hz = clockTicks();
  const rootGroup = new Map<number, string>();
  for (const [name, pids] of Object.entries(groups)) for (const pid of pids) rootGroup.set(pid, name);
  const parent = new Map<number, number>();
  for (const process of after.processes.values()) parent.set(process.pid, process.ppid);
  const groupOf = (pid: number): string | undefined => {
    for (let current = pid, hops = 0; current > 1 && hops < 64; current = parent.get(current) ?? 0, hops += 1) {
      const name = rootGroup.get(current);
      if (name !== undefined) return name;
    }
    return undefined;
  };
  const ticks: Record<string, number> = Object.fromEntries(Object.keys(groups).map((name) => [name, 0]));
  for (const [key, process] of after.processes) {
    const name = groupOf(process.pid);
    if (name !== undefined) ticks[name] += process.ticks - (before.processes.get(key)?.ticks ?? 0);
  }
  const busy = after.machine.busy - before.machine.busy;
  const claimed = Object.values(ticks).reduce((sum, value) => sum + value, 0);
  const cpus = Math.max(1, cpuList().length);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    seconds: round((after.at - before.at) / 1000),
    cpus,
    busyFraction: after.machine.total > before.machine.total ? round(busy / (after.machine.total - before.machine.total)) : 0,
    cpuSeconds: {
      ...Object.fromEntries(Object.entries(ticks).map(([name, value]) => [name, round(value / hz)])),
      other: round(Math.max(0, busy - claimed) / hz),
    },
  };
}
