// The e2e tests ask for several free ports before listening on any (an ops
// endpoint, a tap receiver, a second Jaeger's receivers). The kernel hands a
// port just closed out again, so without a record of what was given, two asks
// could get one port: a CI run's fan-out test failed when kubetrail's tap
// receiver got its own ops endpoint's port (EADDRINUSE).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '../e2e/kubetrail-process.js';

describe('freePort', () => {
  it('never gives the same port twice in one process', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 300; i++) ports.push(await freePort());
    assert.equal(new Set(ports).size, ports.length);
    for (const p of ports) assert.ok(p > 0 && p < 65_536, `port ${p}`);
  });
});
