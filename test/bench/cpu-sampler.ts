import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus as cpuList } from 'node:os';

/**
 * Where the machine's CPU time went during a run, from /proc (Linux): the machine's busy
 * time, and the CPU time of groups of processes, each group a set of root pids with all
 * their descendants (a PostgreSQL server is its postmaster and the backends it forks).
 * Interrupt time (irq and softirq: much of the loopback network stack) is counted apart;
 * what is left that no group claims (other work on the machine, kernel threads) is `other`,
 * and the commands behind it are listed.
 */

export interface CpuSnapshot {
  at: number;
  /** Ticks of every CPU since boot: all, busy (user, nice, system, irq, softirq), in interrupts, stolen by the hypervisor. */
  machine: { total: number; busy: number; interrupts: number; steal: number };
  /** Each live process by pid and start time (a reused pid is another process): its command, parent and ticks. */
  processes: Map<string, { pid: number; ppid: number; command: string; ticks: number }>;
}

export interface CpuUsage {
  seconds: number;
  cpus: number;
  /** Share of all the CPUs' time that was busy (1 = every core busy all the time). */
  busyFraction: number;
  /** Share of the CPUs' time the hypervisor gave to others. */
  stealFraction: number;
  /** CPU seconds of each group, `interrupts`, and `other`: busy time neither accounts for. */
  cpuSeconds: Record<string, number>;
  /** The commands (grouped by name) outside every group that used the most CPU seconds. */
  otherCommands: Array<{ command: string; cpuSeconds: number }>;
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
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
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
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    const [ppid, utime, stime, startTime] = [rest[1], rest[11], rest[12], rest[19]].map(Number);
    const command = stat.slice(stat.indexOf('(') + 1, close);
    processes.set(`${entry}@${startTime}`, { pid: Number(entry), ppid, command, ticks: utime + stime });
  }
  return {
    at: performance.now(),
    machine: {
      total: user + nice + system + idle + iowait + irq + softirq + steal,
      busy: user + nice + system + irq + softirq,
      interrupts: irq + softirq,
      steal,
    },
    processes,
  };
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
  const unclaimed = new Map<string, number>();
  for (const [key, process] of after.processes) {
    const used = process.ticks - (before.processes.get(key)?.ticks ?? 0);
    const name = groupOf(process.pid);
    if (name !== undefined) ticks[name] += used;
    else if (used > 0) unclaimed.set(process.command, (unclaimed.get(process.command) ?? 0) + used);
  }
  const machine = (field: keyof CpuSnapshot['machine']) => after.machine[field] - before.machine[field];
  const total = machine('total');
  const claimed = Object.values(ticks).reduce((sum, value) => sum + value, 0);
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    seconds: round((after.at - before.at) / 1000),
    cpus: Math.max(1, cpuList().length),
    busyFraction: total > 0 ? round(machine('busy') / total) : 0,
    stealFraction: total > 0 ? round(machine('steal') / total) : 0,
    cpuSeconds: {
      ...Object.fromEntries(Object.entries(ticks).map(([name, value]) => [name, round(value / hz)])),
      interrupts: round(machine('interrupts') / hz),
      other: round(Math.max(0, machine('busy') - machine('interrupts') - claimed) / hz),
    },
    otherCommands: [...unclaimed]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([command, used]) => ({ command, cpuSeconds: round(used / hz) })),
  };
}
