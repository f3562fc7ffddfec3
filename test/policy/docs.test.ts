/** docs/policy.md lists every rule with its group, upstream Pod Security checks and fix, generated from POLICY_RULES. */
import * as fs from 'fs';
import { POLICY_RULES } from 'kubestack';
import { DOC, renderPolicyDoc, rulesTable } from '../../scripts/policy-doc';

describe('docs/policy.md', () => {
  test('holds the rule table that POLICY_RULES renders (regenerate: node -r ./scripts/ts-register.js scripts/policy-doc.ts)', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    expect(renderPolicyDoc(doc)).toBe(doc);
  });

  test('the table has one row per rule, naming its upstream checks', () => {
    const rows = rulesTable(POLICY_RULES).split('\n').slice(2);
    expect(rows).toHaveLength(POLICY_RULES.length);
    expect(rows.find((r) => r.startsWith('| `capabilities` '))).toContain('| pod-security | `capabilities_baseline`, `capabilities_restricted` |');
  });

  test('fails on a stale table', () => {
    const doc = fs.readFileSync(DOC, 'utf8');
    expect(renderPolicyDoc(doc, POLICY_RULES.slice(1))).not.toBe(doc);
  });
});
