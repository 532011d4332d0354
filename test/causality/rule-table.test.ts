import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/causality/builtin-rules.js';
import type { CausalityRule } from '../../src/causality/causality-rule.js';
import { RuleTable } from '../../src/causality/rule-table.js';
import type { NormalEvent } from '../../src/model/projection.js';
import { ignoreIssues } from '../../src/normalise/narrow.js';
import { normaliseEvent } from '../../src/normalise/normalise-event.js';
import { isRejected } from '../../src/normalise/rejection.js';

function event(controller: string, reason: string, kind: string, note: string): NormalEvent {
  return {
    uid: 'e',
    namespace: 'default',
    name: 'x.1',
    resourceVersion: '1',
    reason,
    type: 'Normal',
    note,
    noteTruncated: false,
    message: note,
    occurrence: undefined,
    controller,
    instance: '',
    involved: {
      kind,
      namespace: 'default',
      name: 'owner',
      uid: 'u',
      apiVersion: 'apps/v1',
      fieldPath: undefined,
      resourceVersion: undefined,
    },
    related: undefined,
    firstTime: 0,
    exactFirstTime: false,
    lastTime: 0,
    count: 1,
  };
}

const table = new RuleTable(BUILTIN_RULES);

describe('built-in causality rules', () => {
  const cases: [string, string, string, string, string, string | undefined, string][] = [
    [
      'deployment-controller',
      'ScalingReplicaSet',
      'Deployment',
      'Scaled up replica set web-5d5 to 2',
      'ReplicaSet',
      'web-5d5',
      'scale-up',
    ],
    [
      'deployment-controller',
      'ScalingReplicaSet',
      'Deployment',
      'Scaled up replica set web-5d5 from 0 to 3',
      'ReplicaSet',
      'web-5d5',
      'scale-up',
    ],
    [
      'deployment-controller',
      'ScalingReplicaSet',
      'Deployment',
      'Scaled down replica set web-4c4 from 3 to 0',
      'ReplicaSet',
      'web-4c4',
      'scale-down',
    ],
    [
      'deployment-controller',
      'ScalingReplicaSet',
      'Deployment',
      'Scaled down replica set web-4c4 to 1',
      'ReplicaSet',
      'web-4c4',
      'scale-down',
    ],
    [
      'replicaset-controller',
      'SuccessfulCreate',
      'ReplicaSet',
      'Created pod: web-5d5-abcde',
      'Pod',
      'web-5d5-abcde',
      'create',
    ],
    [
      'replicaset-controller',
      'SuccessfulDelete',
      'ReplicaSet',
      'Deleted pod: web-5d5-abcde',
      'Pod',
      'web-5d5-abcde',
      'delete',
    ],
    [
      'statefulset-controller',
      'SuccessfulCreate',
      'StatefulSet',
      'create Pod db-0 in StatefulSet db successful',
      'Pod',
      'db-0',
      'create',
    ],
    [
      'statefulset-controller',
      'SuccessfulDelete',
      'StatefulSet',
      'delete Pod db-1 in StatefulSet db successful',
      'Pod',
      'db-1',
      'delete',
    ],
    // v1.37 capitalises the verb; the note regexes are case-insensitive.
    [
      'statefulset-controller',
      'SuccessfulCreate',
      'StatefulSet',
      'Create Pod db-1 in StatefulSet db successful',
      'Pod',
      'db-1',
      'create',
    ],
    [
      'statefulset-controller',
      'SuccessfulDelete',
      'StatefulSet',
      'Delete Pod db-0 in StatefulSet db successful',
      'Pod',
      'db-0',
      'delete',
    ],
    [
      'statefulset-controller',
      'SuccessfulCreate',
      'StatefulSet',
      'create Claim data-db-0 Pod db-0 in StatefulSet db success',
      'PersistentVolumeClaim',
      'data-db-0',
      'create',
    ],
    [
      'daemonset-controller',
      'SuccessfulCreate',
      'DaemonSet',
      'Created pod: fluentd-x7k2p',
      'Pod',
      'fluentd-x7k2p',
      'create',
    ],
    [
      'daemonset-controller',
      'SuccessfulDelete',
      'DaemonSet',
      'Deleted pod: fluentd-x7k2p',
      'Pod',
      'fluentd-x7k2p',
      'delete',
    ],
    ['job-controller', 'SuccessfulCreate', 'Job', 'Created pod: pi-abcde', 'Pod', 'pi-abcde', 'create'],
    ['job-controller', 'SuccessfulDelete', 'Job', 'Deleted pod: pi-abcde', 'Pod', 'pi-abcde', 'delete'],
    ['job-controller', 'Completed', 'Job', 'Job completed', 'Job', undefined, 'observe'],
    [
      'job-controller',
      'BackoffLimitExceeded',
      'Job',
      'Job has reached the specified backoff limit',
      'Job',
      undefined,
      'observe',
    ],
    [
      'cronjob-controller',
      'SuccessfulCreate',
      'CronJob',
      'Created job hello-29000000',
      'Job',
      'hello-29000000',
      'create',
    ],
    [
      'cronjob-controller',
      'SuccessfulDelete',
      'CronJob',
      'Deleted job hello-28999990',
      'Job',
      'hello-28999990',
      'delete',
    ],
    [
      'cronjob-controller',
      'SawCompletedJob',
      'CronJob',
      'Saw completed job: hello-29000000, condition: Complete',
      'Job',
      'hello-29000000',
      'observe',
    ],
    [
      'default-scheduler',
      'Scheduled',
      'Pod',
      'Successfully assigned default/web to node-1',
      'Pod',
      undefined,
      'observe',
    ],
    [
      'default-scheduler',
      'FailedScheduling',
      'Pod',
      '0/3 nodes are available: 3 Insufficient cpu.',
      'Pod',
      undefined,
      'observe',
    ],
    ['kubelet', 'Pulling', 'Pod', 'Pulling image "nginx"', 'Pod', undefined, 'observe'],
    ['kubelet', 'Pulled', 'Pod', 'Successfully pulled image "nginx"', 'Pod', undefined, 'observe'],
    ['kubelet', 'Created', 'Pod', 'Created container: nginx', 'Pod', undefined, 'observe'],
    ['kubelet', 'Started', 'Pod', 'Started container nginx', 'Pod', undefined, 'observe'],
    ['kubelet', 'Killing', 'Pod', 'Stopping container nginx', 'Pod', undefined, 'delete'],
    ['kubelet', 'BackOff', 'Pod', 'Back-off restarting failed container', 'Pod', undefined, 'observe'],
    ['kubelet', 'Unhealthy', 'Pod', 'Liveness probe failed', 'Pod', undefined, 'observe'],
  ];
  for (const [controller, reason, kind, note, actedOnKind, actedOnName, verb] of cases) {
    it(`${controller} ${reason} "${note}"`, () => {
      const m = table.match(event(controller, reason, kind, note));
      assert.ok(m !== undefined, 'a rule matches');
      assert.equal(m.actedOnKind, actedOnKind);
      assert.equal(m.actedOnName, actedOnName);
      assert.equal(m.verb, verb);
    });
  }

  it("matches a combined Event's message after the correlator's prefix, for every rule with a note", () => {
    const at = Date.parse('2026-11-22T10:00:00Z');
    const cases: [string, string, string, string, string][] = [
      [
        'deployment-controller',
        'ScalingReplicaSet',
        'Deployment',
        'Scaled up replica set web-744ffd794c from 1 to 2',
        'web-744ffd794c',
      ],
      [
        'deployment-controller',
        'ScalingReplicaSet',
        'Deployment',
        'Scaled down replica set web-596b6d847b from 2 to 1',
        'web-596b6d847b',
      ],
      [
        'replicaset-controller',
        'SuccessfulCreate',
        'ReplicaSet',
        'Created pod: web-575b656585-xdcrj',
        'web-575b656585-xdcrj',
      ],
      [
        'replicaset-controller',
        'SuccessfulDelete',
        'ReplicaSet',
        'Deleted pod: web-575b656585-xdcrj',
        'web-575b656585-xdcrj',
      ],
    ];
    for (const [controller, reason, kind, message, name] of cases) {
      const ev = normaliseEvent(
        {
          kind: 'Event',
          metadata: { uid: 'e', namespace: 'default', name: 'web.1' },
          involvedObject: { kind, name: 'web', namespace: 'default', uid: 'u' },
          reason,
          message: `(combined from similar events): ${message}`,
          source: { component: controller },
          count: 12,
          lastTimestamp: '2026-11-22T10:00:00Z',
        },
        at,
        ignoreIssues,
      );
      assert.ok(!isRejected(ev));
      // The note as written would match no rule (they are anchored at its start).
      assert.equal(table.match({ ...ev, message: ev.note }), undefined, message);
      assert.equal(table.match(ev)?.actedOnName, name, message);
    }
  });

  it('does not match another controller, kind or wording', () => {
    assert.equal(
      table.match(event('someone-else', 'SuccessfulCreate', 'ReplicaSet', 'Created pod: x')),
      undefined,
    );
    assert.equal(
      table.match(event('replicaset-controller', 'SuccessfulCreate', 'Deployment', 'Created pod: x')),
      undefined,
    );
    assert.equal(
      table.match(event('replicaset-controller', 'SuccessfulCreate', 'ReplicaSet', 'Made pod x')),
      undefined,
    );
  });

  it('marks FailedScheduling and BackOff as stuck', () => {
    assert.equal(table.match(event('default-scheduler', 'FailedScheduling', 'Pod', 'no'))?.stuck, true);
    assert.equal(table.match(event('kubelet', 'BackOff', 'Pod', 'no'))?.stuck, true);
    assert.equal(table.match(event('kubelet', 'Started', 'Pod', 'ok'))?.stuck, false);
  });

  it("names the condition an Event reports, for the rules that have one (the Job's Complete and Failed)", () => {
    assert.equal(
      table.match(event('job-controller', 'Completed', 'Job', 'Job completed'))?.condition,
      'Complete',
    );
    assert.equal(
      table.match(event('job-controller', 'BackoffLimitExceeded', 'Job', 'limit'))?.condition,
      'Failed',
    );
    assert.equal(table.match(event('kubelet', 'Started', 'Pod', 'ok'))?.condition, undefined);
  });

  it('is plain JSON: it survives a JSON round trip unchanged', () => {
    const copy = JSON.parse(JSON.stringify(BUILTIN_RULES)) as CausalityRule[];
    assert.deepEqual(copy, BUILTIN_RULES);
    const m = new RuleTable(copy).match(
      event('replicaset-controller', 'SuccessfulCreate', 'ReplicaSet', 'Created pod: a'),
    );
    assert.equal(m?.actedOnName, 'a');
  });
});

describe('custom rules', () => {
  it('an operator rule from JSON resolves a CRD controller', () => {
    const rules = JSON.parse(
      '[{"controller":"argo-rollouts","reason":"RolloutUpdated","involvedKind":"Rollout","actedOnKind":"ReplicaSet","note":"^Rollout updated to revision \\\\d+ \\\\((?<name>\\\\S+)\\\\)","verb":"scale-up"}]',
    ) as CausalityRule[];
    const t = new RuleTable([...BUILTIN_RULES, ...rules]);
    const m = t.match(
      event('argo-rollouts', 'RolloutUpdated', 'Rollout', 'Rollout updated to revision 4 (web-7c9)'),
    );
    assert.equal(m?.actedOnName, 'web-7c9');
    assert.equal(m?.actedOnKind, 'ReplicaSet');
  });

  it('a rule without a controller matches any reporter, after exact ones', () => {
    const t = new RuleTable([
      {
        reason: 'Moved',
        involvedKind: 'Thing',
        actedOnKind: 'Widget',
        note: '^moved (?<name>\\S+)',
        verb: 'create',
      },
      {
        controller: 'a',
        reason: 'Moved',
        involvedKind: 'Thing',
        actedOnKind: 'Gadget',
        note: '^moved (?<name>\\S+)',
        verb: 'create',
      },
    ]);
    assert.equal(t.match(event('a', 'Moved', 'Thing', 'moved x'))?.actedOnKind, 'Gadget');
    assert.equal(t.match(event('b', 'Moved', 'Thing', 'moved x'))?.actedOnKind, 'Widget');
  });

  it('rejects malformed rules eagerly with a TypeError naming the rule', () => {
    const bad: unknown[] = [
      { involvedKind: 'Pod', verb: 'observe' },
      { reason: 'X', verb: 'observe' },
      { reason: 'X', involvedKind: 'Pod', verb: 'explode' },
      { reason: 'X', involvedKind: 'Pod', actedOnKind: 'Pod', verb: 'create' },
      { reason: 'X', involvedKind: 'Pod', actedOnKind: 'Pod', note: '(', verb: 'create' },
      { reason: 'X', involvedKind: 'Pod', actedOnKind: 'Pod', note: 'no group', verb: 'create' },
      { reason: 'X', involvedKind: 'Pod', note: '(?<name>x)', verb: 'create' },
      { reason: 'X', involvedKind: 'Job', verb: 'observe', condition: '' },
      { reason: 'X', involvedKind: 'Job', verb: 'observe', condition: 3 },
      {
        reason: 'X',
        involvedKind: 'Pod',
        actedOnKind: 'Pod',
        note: '(?<name>x)',
        verb: 'create',
        condition: 'Ready',
      },
    ];
    bad.forEach((rule, i) => {
      assert.throws(() => new RuleTable([rule as CausalityRule]), /causality rule 0/, `bad rule ${i}`);
      assert.throws(() => new RuleTable([rule as CausalityRule]), TypeError);
    });
  });
});
