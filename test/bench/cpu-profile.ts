/**
 * A CPU profile of a whole Node process, for the live benchmarks: loaded with
 * `NODE_OPTIONS=--import=…/cpu-profile.js` (Node refuses `--cpu-prof` in
 * NODE_OPTIONS), it samples every millisecond from start to exit and writes
 * `kubetrail-PID.cpuprofile` into `KUBETRAIL_PROFILE_DIR`, for Chrome's
 * DevTools or any .cpuprofile reader.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.KUBETRAIL_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // A same-thread session answers synchronously, so this completes within 'exit'.
  process.on('exit', () => {
    session.post('Profiler.stop', (err, result) => {
      if (err === null && result?.profile)
        writeFileSync(join(dir, `kubetrail-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}
