import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RULES } from '../../src/causality/builtin-rules.js';
import type { CausalityRule } from '../../src/causality/causality-rule.js';
import { engineSettings } from '../../src/cli/engine-settings.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';

describe('engineSettings', () => {
  it('maps the configuration and puts the user rules after the built-in table', () => {
    const rule: CausalityRule = { reason: 'Provisioned', involvedKind: 'Widget', verb: 'observe' };
    const s = engineSettings({ ...DEFAULT_CONFIG, settleMs: 7, maxPending: 3 }, [rule]);
    assert.equal(s.settleMs, 7);
    assert.equal(s.maxTraceMs, DEFAULT_CONFIG.maxTraceMs);
    assert.deepEqual(s.limits, {
      maxObjects: DEFAULT_CONFIG.maxObjects,
      maxOpenTraces: DEFAULT_CONFIG.maxOpenTraces,
      maxSpansPerTrace: DEFAULT_CONFIG.maxSpansPerTrace,
      maxPending: 3,
    });
    assert.deepEqual(s.rules, [...BUILTIN_RULES, rule]);
  });
});
