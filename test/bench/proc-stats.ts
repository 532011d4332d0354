/**
 * CPU and memory of a process, read from Linux's /proc: what the live
 * benchmarks compare (kubetrail, kspan, kube-apiserver), as ratios within one run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** One reading of a process. */
export interface ProcSample {
  /** User plus system CPU since the process started, seconds. */
  readonly cpuSeconds: number;
  /** Resident set now, bytes. */
  readonly rssBytes: number;
  /** Peak resident set since the process started (VmHWM), bytes. */
  readonly peakRssBytes: number;
  /** Times the main thread went to sleep waiting (voluntary context switches): its wakeups. */
  readonly wakeups: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    const out = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticksPerSecond = Number.isFinite(out) && out > 0 ? out : 100;
  }
  return ticksPerSecond;
}

/** Reads /proc/PID; throws when the process is gone. */
export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuSeconds: (utime + stime) / clockTicks(),
    rssBytes: kib('VmRSS') * 1024,
    peakRssBytes: kib('VmHWM') * 1024,
    wakeups: Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0),
  };
}

/** Mebibytes, for printing. */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(0);
}
