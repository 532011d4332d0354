/**
 * Loaded with `node --import` into a process under measurement: it reports the
 * process's peak RSS on stderr as it exits, and with KUBETRAIL_BENCH_MEMLOG set,
 * its memory every 3 s.
 */
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `peak-rss-kib ${process.resourceUsage().maxRSS}\n`));
if (process.env.KUBETRAIL_BENCH_MEMLOG !== undefined) {
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n: number): number => Math.round(n / 2 ** 20);
    writeSync(
      2,
      `mem rss=${mib(m.rss)} heapUsed=${mib(m.heapUsed)} heapTotal=${mib(m.heapTotal)} external=${mib(m.external)}\n`,
    );
  }, 3000).unref();
}
