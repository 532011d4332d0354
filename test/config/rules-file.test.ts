import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuleTable } from '../../src/causality/rule-table.js';
import { parseRulesFile } from '../../src/config/rules-file.js';

describe('parseRulesFile', () => {
  it('returns valid rules as written, ready for the rule table', () => {
    const rules = [
      { reason: 'Provisioned', involvedKind: 'Widget', verb: 'observe' },
      {
        controller: 'widget-operator',
        reason: 'CreatedGadget',
        involvedKind: 'Widget',
        actedOnKind: 'Gadget',
        note: 'created gadget (?<name>[a-z0-9-]+)',
        verb: 'create',
      },
    ];
    const parsed = parseRulesFile(JSON.stringify(rules), 'r.json');
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.rules, rules);
    assert.equal(new RuleTable(parsed.rules).size, 2);
  });

  it("lists every bad rule at once, numbering the user's rules from 1", () => {
    const parsed = parseRulesFile(
      JSON.stringify([
        'not a rule',
        { reason: 'A', involvedKind: 'Widget', verb: 'observe' },
        { reason: 'B', involvedKind: 'Widget', actedOnKind: 'Gadget', note: '(', verb: 'create' },
        { reason: 'C', involvedKind: 'Widget', actedOnKind: 'Gadget', note: 'no group', verb: 'create' },
      ]),
      'r.json',
    );
    assert.deepEqual(parsed.rules, []);
    assert.deepEqual(parsed.problems, [
      'rules file r.json: rule 1: must be an object',
      'rules file r.json: rule 3: note is not a valid regular expression',
      'rules file r.json: rule 4: note must have a (?<name>…) group',
    ]);
  });

  it('says when the file is not a JSON array', () => {
    assert.deepEqual(parseRulesFile('{}', 'r.json').problems, [
      'rules file r.json: must hold a JSON array of rules',
    ]);
    const notJson = parseRulesFile('[{', 'r.json').problems;
    assert.equal(notJson.length, 1);
    assert.match(notJson[0] ?? '', /^rules file r\.json: not valid JSON: /);
  });

  it('accepts an empty array', () => {
    assert.deepEqual(parseRulesFile('[]', 'r.json'), { rules: [], problems: [] });
  });
});
