/**
 * What one wakeup of a Node process costs on this machine, next to the work it
 * brings: a child process sends 4 KB JSON lines over loopback TCP, one line
 * every 10 ms (a quiet watch: each line wakes the reader) or 20 lines every
 * 10 ms (a busy one), and this process parses them. The difference per line is
 * the price of a wakeup, which a live watch pays per delta and a replay never.
 *
 *   node dist/test/bench/wakeup-cost.js [--lines 500]
 */
import { fork } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { lines: { type: 'string', default: '500' }, serve: { type: 'string' } },
});
const lines = Number(values.lines);
if (!Number.isSafeInteger(lines) || lines < 1) throw new TypeError('--lines must be a positive integer');
const LINE = `${JSON.stringify({ type: 'MODIFIED', object: { metadata: { name: 'x' }, data: 'y'.repeat(4000) } })}\n`;

if (values.serve) {
  const [total, perTick] = values.serve.split(',').map(Number);
  const server = createServer((socket) => {
    let sent = 0;
    const timer = setInterval(() => {
      let out = '';
      for (let i = 0; i < (perTick ?? 1) && sent < (total ?? 0); i++, sent++) out += LINE;
      socket.write(out);
      if (sent >= (total ?? 0)) {
        clearInterval(timer);
        socket.end();
      }
    }, 10);
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send?.(typeof addr === 'object' && addr ? addr.port : 0);
  });
  process.on('disconnect', () => process.exit(0));
} else {
  for (const perTick of [1, 20]) {
    const total = perTick === 1 ? lines : lines * 20;
    const child = fork(fileURLToPath(import.meta.url), ['--serve', `${total},${perTick}`]);
    const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(m as number)));
    const start = process.cpuUsage();
    let parsed = 0;
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      let rest = '';
      socket.on('data', (b: Buffer) => {
        rest += b.toString();
        for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
          if (JSON.parse(rest.slice(0, nl)) !== null) parsed++;
          rest = rest.slice(nl + 1);
        }
      });
      socket.on('end', resolve);
    });
    const u = process.cpuUsage(start);
    child.disconnect();
    console.log(
      `${perTick} line${perTick === 1 ? '' : 's'} per wakeup: ${((u.user + u.system) / parsed).toFixed(0)} µs CPU per line (${parsed} lines)`,
    );
  }
}
