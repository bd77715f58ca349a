/** What /proc says about a process: CPU time, peak resident memory. Linux only. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Microseconds per clock tick (utime/stime are counted in ticks, usually 100 a second). */
export const TICK_US = 1_000_000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

/** CPU time of every thread of the process, in ticks: in user space (utime) and in the kernel on its behalf (stime). */
export function cpuTicks(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]), system: Number(fields[12]) };
}

/**
 * CPU time of a process tree rooted at `root` (PostgreSQL's postmaster), in ticks: the root's own, its
 * reaped children's (cutime, cstime: a backend that ended), and every live child's. Two readings'
 * difference is what the whole tree used in between, backends that started or ended meanwhile included.
 * The postmaster's backends and helpers are its direct children, found by their parent in /proc.
 */
export function treeCpuTicks(root: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${root}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime 14, stime 15, cutime 16, cstime 17: the 12th to 15th after the command name.
  let user = Number(fields[11]) + Number(fields[13]);
  let system = Number(fields[12]) + Number(fields[14]);
  for (const pid of childPids(root)) {
    try {
      const ticks = cpuTicks(pid);
      user += ticks.user;
      system += ticks.system;
    } catch {
      // Ended while being read: its time is in the root's cutime and cstime at the next reading.
    }
  }
  return { user, system };
}

/** Pids whose parent is `parent`, by /proc/<pid>/stat (field 4). */
export function childPids(parent: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) pids.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return pids;
}

/** Peak resident set size (VmHWM) in kB. */
export function peakRssKb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : 0;
}

/** Resets VmHWM to the current RSS, so the next reading is the peak of what follows; false if not allowed. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Ticks the machine spent running processes, and all its ticks, to tell how much else ran during a measurement. */
export function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = cpu as [number, number, number, number, number, number, number, number];
  // Only time spent running processes: interrupts are nobody's in particular, steal is the host's.
  const busy = user + nice + system;
  return { busy, total: busy + idle + iowait + irq + softirq + steal };
}

const PF_KTHREAD = 0x00200000;

/**
 * CPU ticks of the kernel's own threads (flushers, the journal, softirq): the server's fsyncs keep
 * them busy, so they are the server's cost, not someone else's.
 */
export function kernelThreadTicks(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // flags is field 9 of stat, the 7th after the command name.
      if (Number(fields[6]) & PF_KTHREAD) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // The process ended while being read.
    }
  }
  return ticks;
}

/**
 * The core that takes the interrupts of the block devices (virtio-blk request queues, NVMe queues), by
 * /proc/interrupts, and the queues it counted; undefined when none is found. An fsync completes with
 * such an interrupt: on the server's own core it wakes the server directly; on another it costs an
 * inter-processor interrupt and interrupts whatever runs there.
 */
export function diskInterruptCore(): { core: number; queues: string[] } | undefined {
  let lines: string[];
  try {
    lines = readFileSync('/proc/interrupts', 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const cpus = (lines[0] ?? '').trim().split(/\s+/).length;
  const perCore = new Array<number>(cpus).fill(0);
  const queues: string[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/);
    const name = fields.at(-1) ?? '';
    if (!/^virtio\d+-req\.\d+$|^nvme\d+q\d+$/.test(name)) continue;
    queues.push(name);
    for (let cpu = 0; cpu < cpus; cpu++) perCore[cpu]! += Number(fields[cpu + 1]) || 0;
  }
  const busiest = perCore.indexOf(Math.max(...perCore));
  return queues.length && perCore[busiest]! > 0 ? { core: busiest, queues } : undefined;
}
