import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  KUBE_LINTER_IGNORE_PREFIX,
  KUBE_LINTER_WAIVER_REASONS,
  KubeLinterCheck,
  LINT_WAIVER_REASONS,
  LintCheck,
  lintWaivers,
  workloadLintChecks,
} from '../lib/private/lint';

const ROOT = path.join(__dirname, '..');
const DOCS = fs.readFileSync(path.join(ROOT, 'docs', 'policy.md'), 'utf8');

/** Every `kube-score/ignore` check in the golden manifests, with the objects that waive it. */
function waivedInDist(): Map<string, string[]> {
  const waived = new Map<string, string[]>();
  for (const env of fs.readdirSync(path.join(ROOT, 'dist'))) {
    for (const file of fs.readdirSync(path.join(ROOT, 'dist', env)).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', env, file), 'utf8'))) {
        const o = doc.toJS();
        const ignore: string | undefined = o?.metadata?.annotations?.['kube-score/ignore'];
        for (const check of ignore ? ignore.split(',') : []) {
          waived.set(check, [...(waived.get(check) ?? []), `${env}/${o.kind}/${o.metadata.name}`]);
        }
      }
    }
  }
  return waived;
}

describe('manifest linter waivers', () => {
  test('every check waived in dist/ has a reason in lib/private/lint.ts and in docs/policy.md', () => {
    // GIVEN the checks that the golden manifests waive
    const waived = waivedInDist();
    expect(waived.size).toBeGreaterThan(0);
    // THEN each has a reason in the code, and the docs carry the same reason
    for (const check of waived.keys()) {
      expect(Object.keys(LINT_WAIVER_REASONS)).toContain(check);
      expect(DOCS).toContain(`| \`${check}\` | ${LINT_WAIVER_REASONS[check as LintCheck].replace(/\|/g, '\\|')} |`);
    }
  });

  test('every kube-linter check waived in dist/ carries its reason, which docs/policy.md gives too', () => {
    let seen = 0;
    for (const env of fs.readdirSync(path.join(ROOT, 'dist'))) {
      for (const file of fs.readdirSync(path.join(ROOT, 'dist', env)).filter((f) => f.endsWith('.yaml'))) {
        for (const doc of parseAllDocuments(fs.readFileSync(path.join(ROOT, 'dist', env, file), 'utf8'))) {
          for (const [k, v] of Object.entries((doc.toJS()?.metadata?.annotations ?? {}) as Record<string, string>)) {
            if (!k.startsWith(KUBE_LINTER_IGNORE_PREFIX)) continue;
            const check = k.slice(KUBE_LINTER_IGNORE_PREFIX.length) as KubeLinterCheck;
            expect([check, v]).toEqual([check, KUBE_LINTER_WAIVER_REASONS[check]]);
            expect(DOCS).toContain(`| \`${check}\` | ${v} |`);
            seen++;
          }
        }
      }
    }
    expect(seen).toBe(3); // the migration Job of dev, staging and prod
  });

  test('docs/policy.md lists every policy gate rule', async () => {
    const { POLICY_RULES } = await import('../lib');
    for (const r of POLICY_RULES) expect(DOCS).toContain(`| \`${r.id}\` | ${r.group} |`);
  });

  test('waive the UID check only below 10000, where kube-score flags it', () => {
    expect(workloadLintChecks(9999)).toContain('container-security-context-user-group-id');
    expect(workloadLintChecks(10000)).not.toContain('container-security-context-user-group-id');
  });

  test('write one sorted, deduplicated kube-score/ignore annotation, and none for no check', () => {
    expect(lintWaivers(['pod-networkpolicy', 'container-image-pull-policy', 'pod-networkpolicy'])).toEqual({
      'kube-score/ignore': 'container-image-pull-policy,pod-networkpolicy',
    });
    expect(lintWaivers([])).toBeUndefined();
  });

  test('waive replicas and anti-affinity only where the reference app calls for them', () => {
    // prod runs under an HPA with topology spread: no replica waiver, but the anti-affinity one
    const web = waivedInDist();
    expect(web.get('deployment-replicas')).toEqual(['dev/Deployment/redis', 'dev/Deployment/web', 'prod/Deployment/redis', 'staging/Deployment/redis']);
    expect(web.get('deployment-has-host-podantiaffinity')).toEqual(['prod/Deployment/web', 'staging/Deployment/web']);
  });
});
