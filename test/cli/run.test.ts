import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayRun } from '../../src/assembly/replay.js';
import { BUILTIN_RULES } from '../../src/causality/builtin-rules.js';
import { type CliDeps, runCli } from '../../src/cli/run.js';
import { createSink } from '../../src/export/create-sink.js';
import { MemoryWriter } from '../../src/export/line-writer.js';
import { healthyTrace, smallTrace } from '../export/fixtures.js';

/** One valid recording line. */
const D =
  '{"time":"2026-11-22T10:00:00Z","type":"ADDED","object":{"kind":"Pod","metadata":{"uid":"u","name":"p"}}}\n';

function harness(files: Record<string, string> = {}, traces = () => [smallTrace()]) {
  const out: string[] = [];
  const err: string[] = [];
  const writer = new MemoryWriter();
  const seen: { deltas?: number; settleMs?: number; rules?: readonly unknown[] } = {};
  const deps: CliDeps = {
    env: {},
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    version: '9.9.9',
    readText: (p) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return text;
    },
    openRecording: (p: string) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return [text];
    },
    core: {
      startReplay: (settings) => {
        seen.deltas = 0;
        seen.settleMs = settings.settleMs;
        seen.rules = settings.rules;
        return {
          push: () => {
            seen.deltas = (seen.deltas ?? 0) + 1;
            return [];
          },
          pushSpans: () => [],
          pushClock: () => {},
          finish: () => traces(),
          stats: () => new ReplayRun().stats(),
        };
      },
    },
    createSink: (o) => createSink({ ...o, writer }),
    runLive: () => Promise.resolve(2),
  };
  return { deps, out, err, writer, seen };
}

describe('runCli', () => {
  it('replays a file through the engine into the tree exporter', async () => {
    const h = harness({ 'rec.jsonl': D + D });
    const code = await runCli(['replay', 'rec.jsonl', '--settle-ms', '10'], h.deps);
    assert.equal(code, 0);
    assert.equal(h.seen.deltas, 2);
    assert.equal(h.seen.settleMs, 10);
    assert.match(h.writer.text(), /^Deployment\.Update {2}default\/px {2}2\.500s {2}4 spans/);
  });

  it('writes OTLP-JSON with --exporter json', async () => {
    const h = harness({ 'rec.jsonl': D });
    assert.equal(await runCli(['replay', 'rec.jsonl', '--exporter', 'json'], h.deps), 0);
    const lines = h.writer.text().trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const doc = JSON.parse(lines[0] ?? '') as { resourceSpans: unknown[] };
    assert.equal(doc.resourceSpans.length, 4);
  });

  it('passes extra causality rules from --rules', async () => {
    const rule = { reason: 'Provisioned', involvedKind: 'Widget', verb: 'observe' };
    const h = harness({ 'rec.jsonl': D, 'rules.json': JSON.stringify([rule]) });
    assert.equal(await runCli(['replay', 'rec.jsonl', '--rules', 'rules.json'], h.deps), 0);
    assert.deepEqual(h.seen.rules, [...BUILTIN_RULES, rule]);
  });

  it('gives live mode the rules from --rules too', async () => {
    const rule = { reason: 'Provisioned', involvedKind: 'Widget', verb: 'observe' };
    const h = harness({ 'rules.json': JSON.stringify([rule]) });
    let rules: readonly unknown[] | undefined;
    const code = await runCli(['--rules', 'rules.json'], {
      ...h.deps,
      runLive: (inv) => {
        rules = inv.rules;
        return Promise.resolve(0);
      },
    });
    assert.equal(code, 0);
    assert.deepEqual(rules, [rule]);
  });

  it('refuses a bad rules file at startup with exit 2, live and replay alike, numbering rules from 1', async () => {
    const rules = JSON.stringify([
      { reason: 'Provisioned', involvedKind: 'Widget', verb: 'observe' },
      { reason: 'Provisioned', involvedKind: 'Widget', verb: 'explode' },
      { reason: '', involvedKind: 'Widget', verb: 'observe' },
    ]);
    for (const argv of [
      ['--rules', 'rules.json'],
      ['replay', 'rec.jsonl', '--rules', 'rules.json'],
    ]) {
      const h = harness({ 'rec.jsonl': D, 'rules.json': rules });
      let started = false;
      const code = await runCli(argv, {
        ...h.deps,
        runLive: () => {
          started = true;
          return Promise.resolve(0);
        },
      });
      assert.equal(code, 2, argv.join(' '));
      assert.equal(started, false);
      assert.equal(h.seen.deltas, undefined, 'nothing replayed');
      assert.deepEqual(h.err, [
        'kubetrail: rules file rules.json: rule 2: verb must be one of create, delete, scale-up, scale-down, observe\n',
        'kubetrail: rules file rules.json: rule 3: reason must be a non-empty string\n',
        'Run kubetrail --help for usage.\n',
      ]);
    }
  });

  it('refuses a missing or malformed rules file with exit 2', async () => {
    const h = harness({ 'rules.json': '{"reason":"x"}' });
    assert.equal(await runCli(['--rules', 'missing.json'], h.deps), 2);
    assert.equal(h.err[0], 'kubetrail: cannot read rules file missing.json: ENOENT\n');
    assert.equal(await runCli(['--rules', 'rules.json'], h.deps), 2);
    assert.equal(h.err[2], 'kubetrail: rules file rules.json: must hold a JSON array of rules\n');
  });

  it('says clearly when the recording is missing or malformed', async () => {
    const h = harness({ 'bad.jsonl': '{bad' });
    assert.equal(await runCli(['replay', 'missing.jsonl'], h.deps), 1);
    assert.deepEqual(h.err, ['kubetrail: cannot read recording missing.jsonl: no such file\n']);
    assert.equal(await runCli(['replay', 'bad.jsonl', '--strict'], h.deps), 1);
    assert.equal(
      h.err[1],
      'kubetrail: cannot parse recording bad.jsonl: bad.jsonl:1: not valid JSON (--strict stops at the first bad line)\n',
    );
  });

  it('says why nothing was printed when an apiserver TracingConfiguration samples the trace out', async () => {
    const tracing = [
      'apiVersion: apiserver.config.k8s.io/v1',
      'kind: TracingConfiguration',
      'endpoint: collector:4317',
      'samplingRatePerMillion: 10000',
    ].join('\n');
    // Healthy (no error, 10 ms): only the ratio decides, and this id is outside 1%.
    const h = harness({ 'rec.jsonl': D, 'tracing.yaml': tracing }, () => [
      healthyTrace('4bf92f3577b34da6a3ce929d0e0e4736'),
    ]);
    assert.equal(await runCli(['replay', 'rec.jsonl', '--config', 'tracing.yaml'], h.deps), 0);
    assert.equal(h.writer.text(), '', 'the healthy trace is sampled out at 1%');
    const lines = h.err
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg !== 'replay finished');
    assert.equal(lines.length, 1, h.err.join(''));
    assert.equal(lines[0]?.level, 'warn');
    assert.match(String(lines[0]?.msg), /^1 of 1 traces sampled out: samplingRatePerMillion 10000 /);
    assert.equal(lines[0]?.tracesSampledOut, 1);
    assert.equal(lines[0]?.samplingRatePerMillion, 10000);
  });

  it('logs nothing about sampling when every trace is kept', async () => {
    const h = harness({ 'rec.jsonl': D });
    assert.equal(await runCli(['replay', 'rec.jsonl'], h.deps), 0);
    assert.deepEqual(
      h.err.map((l) => (JSON.parse(l) as { msg: string }).msg),
      ['replay finished'],
    );
  });

  it('lists configuration problems one per line and exits 2', async () => {
    const h = harness();
    assert.equal(await runCli(['replay', 'x', '--settle-ms', 'x', '--nope'], h.deps), 2);
    assert.deepEqual(h.err, [
      'kubetrail: unknown flag --nope\n',
      'kubetrail: --settle-ms: "x" is not an integer\n',
      'Run kubetrail --help for usage.\n',
    ]);
  });

  it('prints help and version', async () => {
    const h = harness();
    assert.equal(await runCli(['--help'], h.deps), 0);
    assert.match(h.out.join(''), /Usage:\n {2}kubetrail \[flags\]/);
    assert.equal(await runCli(['--version'], h.deps), 0);
    assert.equal(h.out.at(-1), 'kubetrail 9.9.9\n');
  });

  it('runs live mode with no command', async () => {
    const h = harness();
    let called = false;
    const code = await runCli([], {
      ...h.deps,
      runLive: (inv) => {
        called = inv.config.exporter === 'otlp';
        return Promise.resolve(0);
      },
    });
    assert.equal(code, 0);
    assert.equal(called, true);
  });
});
