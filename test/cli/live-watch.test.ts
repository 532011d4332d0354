import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forbiddenMessage } from '../../src/cli/live-watch.js';

describe('forbiddenMessage', () => {
  it('names the missing rule and says the rest goes on', () => {
    assert.equal(
      forbiddenMessage({
        resource: 'apps/v1/deployments',
        verb: 'list',
        rule: 'apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"]',
        message: 'HTTP 403',
      }),
      'forbidden to list apps/v1/deployments: grant the RBAC rule {apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"]} in its ClusterRole; watching the other resources meanwhile',
    );
    assert.match(
      forbiddenMessage({
        resource: 'core/v1/pods',
        namespace: 'team',
        verb: 'watch',
        rule: 'r',
        message: '',
      }),
      /^forbidden to watch core\/v1\/pods in team: grant the RBAC rule \{r\} in a Role in namespace team \(or its ClusterRole\)/,
    );
  });
});
