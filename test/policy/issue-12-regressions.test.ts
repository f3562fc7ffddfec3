/**
 * Issue 12, classes 1 and 2: every example the review found, with the exact message the gate now
 * gives. Examples already pinned in gate.test.ts (the Argo Rollout, the ClusterRoleBinding, the
 * enforce-version label, the DB_PASSPHRASE / BASIC_AUTH / CONN env values, --db-password, the
 * Ingress annotation URL) are not repeated here.
 */
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { ConfigBundle, Environment, PolicyViolationError, Profiles, ValidationError, WebApp, checkPolicy, waiverAnnotation } from 'kubestack';
import { thrown } from '../util';

const S = 'hunter2-S3CRET';

/** A prod Environment with one WebApp, whose Deployment `patch` changes as a user's addJsonPatch would. */
function prodWebWith(patch: JsonPatch): Environment {
  const env = new Environment(Testing.app(), 'prod', { profile: Profiles.prod });
  const web = new WebApp(env, 'web', { image: 'registry.example.com/web:1.2.3' });
  ApiObject.of(web.deployment).addJsonPatch(patch);
  return env;
}

/** `[rule] message` of every violation that synthesis throws. */
function synthViolations(env: Environment): string[] {
  const error = thrown(() => env.synthesize());
  expect(error).toBeInstanceOf(PolicyViolationError);
  return (error as PolicyViolationError).violations.map((v) => `${v.object.kind} ${v.object.namespace}/${v.object.name} [${v.rule}] ${v.message}`);
}

describe('class 1: Pod Security fields at pod level, added in prod with addJsonPatch', () => {
  test.each([
    [
      'seLinuxOptions.type spc_t',
      JsonPatch.add('/spec/template/spec/securityContext/seLinuxOptions', { type: 'spc_t' }),
      "[selinux] the pod securityContext sets SELinux type 'spc_t'",
    ],
    [
      'pod sysctls',
      JsonPatch.add('/spec/template/spec/securityContext/sysctls', [{ name: 'kernel.msgmax', value: '65536' }]),
      "[sysctls] the pod sets sysctl 'kernel.msgmax', which is not one of the safe sysctls",
    ],
    ['pod runAsUser 0', JsonPatch.replace('/spec/template/spec/securityContext/runAsUser', 0), '[run-as-non-root] the pod securityContext sets runAsUser: 0'],
    [
      'pod seccomp Unconfined',
      JsonPatch.replace('/spec/template/spec/securityContext/seccompProfile', { type: 'Unconfined' }),
      "[seccomp] the pod securityContext sets seccomp profile 'Unconfined'",
    ],
  ])('fails %s', (_what, patch, message) => {
    expect(synthViolations(prodWebWith(patch))).toEqual([`Deployment shop-prod/web ${message}`.replace('shop-prod', Profiles.prod.namespace)]);
  });
});

describe('class 1: waivers', () => {
  test('fails a waiver annotation on the namespace-pss rule, in any environment, and keeps the violation', () => {
    const env = new Environment(Testing.app(), 'dev', { profile: Profiles.dev });
    const ns = ApiObject.of(env.namespaceObject);
    ns.metadata.addAnnotation(waiverAnnotation('namespace-pss'), 'a legacy app');
    ns.addJsonPatch(JsonPatch.replace('/metadata/labels/pod-security.kubernetes.io~1enforce', 'privileged'));
    expect(synthViolations(env)).toEqual([
      `Namespace /${Profiles.dev.namespace} [waiver] annotation policy.kubestack.io/waive.namespace-pss tries to waive the 'namespace-pss' rule, which cannot be waived`,
      `Namespace /${Profiles.dev.namespace} [namespace-pss] does not enforce Pod Security 'restricted' (label pod-security.kubernetes.io/enforce is 'privileged')`,
    ]);
  });

  test('a same-named duplicate object does not inherit the waiver of the first, when checkPolicy is called directly', () => {
    // GIVEN a ConfigMap with a waiver for secret-literal, and a second one of the same identity without it
    const cm = (annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'ns', annotations },
      data: { DB_PASSWORD: S },
    });
    const objs = [cm({ [waiverAnnotation('secret-literal')]: 'a test fixture' }), cm({})];
    // WHEN the gate checks the list
    const report = checkPolicy(objs, { production: false });
    // THEN the duplicate fails (unwaivable) and its own secret is reported; the first one's is waived
    expect(report.violations.map((v) => `${v.rule}: ${v.message}`)).toEqual([
      'unique-objects: is defined twice, by objects #0 and #1 of the manifests; the second would overwrite the first',
      "secret-literal: key 'DB_PASSWORD' holds a literal value, and its name says it is a secret",
    ]);
    expect(report.waivers.map((w) => w.suppressed)).toEqual([1]);
  });
});

describe('class 2: secrets in values', () => {
  test('fails a ConfigBundle file application.properties with db.password, at construction, with the predicate the gate uses', () => {
    const env = new Environment(Testing.app(), 'dev', { profile: Profiles.dev });
    const files = { 'application.properties': `db.url=jdbc:postgresql://postgres/app\ndb.password=${S}\n` };
    const error = thrown(() => new ConfigBundle(env, 'app-config', { files }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      "config-bundle 'dev/app-config': 'files.application.properties' must not hold a secret: it holds a literal value for 'db.password'; put it in a Secret and reference it from 'secrets', got \"<redacted>\"",
    );
    expect((error as Error).message).not.toContain(S);
    // AND the same ConfigMap written by hand fails the gate
    const raw = new Environment(Testing.app(), 'dev', { profile: Profiles.dev });
    new ApiObject(raw, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config-files' }, data: files });
    expect(synthViolations(raw)).toEqual([
      `ConfigMap ${Profiles.dev.namespace}/app-config-files [secret-literal] key 'application.properties' holds a literal value for 'db.password'`,
    ]);
  });

  test.each([
    [
      'a Bearer token in env',
      { name: 'UPSTREAM_HEADERS', value: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo' },
      'sets env UPSTREAM_HEADERS to a literal Bearer token',
    ],
    [
      'a PEM private key in env',
      { name: 'TLS_PEM', value: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n' },
      'sets env TLS_PEM to a PEM private key',
    ],
    [
      'an OpenSSH private key in env',
      { name: 'DEPLOY_SSH', value: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n' },
      'sets env DEPLOY_SSH to an OpenSSH private key',
    ],
  ])('fails %s', (_what, envVar, message) => {
    const env = prodWebWith(JsonPatch.add('/spec/template/spec/containers/0/env', [envVar]));
    expect(synthViolations(env)).toEqual([`Deployment ${Profiles.prod.namespace}/web [secret-literal] container 'app' ${message}`]);
  });

  test('fails a Bearer token in args and a private key in an annotation, and accepts $(VAR) references', () => {
    const env = prodWebWith(
      JsonPatch.add('/spec/template/spec/containers/0/args', ['-H', `Authorization: Bearer ${S}`, '-H', 'Authorization: Bearer $(API_TOKEN)']),
    );
    const web = env.node.findAll().find((c) => c instanceof WebApp) as WebApp;
    ApiObject.of(web.deployment).metadata.addAnnotation('example.com/key', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----');
    expect(synthViolations(env)).toEqual([
      `Deployment ${Profiles.prod.namespace}/web [secret-literal] annotation example.com/key holds a PEM private key`,
      `Deployment ${Profiles.prod.namespace}/web [secret-literal] container 'app' passes a literal Bearer token in args`,
    ]);
  });

  test('reads the value of a secret key=value pair to its delimiter: only $(VAR) references and file paths are not literal', () => {
    // GIVEN ConfigMap values whose pairs end at the end of the value, mid-reference or at a delimiter
    const cases: Record<string, boolean> = {
      'password=$(DB_PASSWORD)': false,
      'password=$(A)$(B) token: $(T)': false,
      'password=/run/secrets/db': false,
      'password=': false,
      'password=$(DB_PASSWORD': true,
      'password=$(': true,
      'password=$': true,
      'a=1;password=hunter2;b=2': true,
      'token: "$(T)x"': true,
      'url=https://h/ password = "/run/x"': false,
      'password=/run/secrets db': false,
      'password=/run/sec rets/$(X)': false,
      'password=run/secrets': true,
    };
    for (const [value, literal] of Object.entries(cases)) {
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' }, data: { 'app.conf': value } };
      // WHEN the gate checks it
      const messages = checkPolicy([cm], { production: false, namespace: 'ns' }).violations.map((v) => v.message);
      // THEN it is flagged exactly when the value is literal
      expect({ value, messages }).toEqual({
        value,
        messages: literal ? [expect.stringMatching(/^key 'app.conf' holds a literal value for '(password|token)'$/)] : [],
      });
    }
  });
});
