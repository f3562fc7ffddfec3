/**
 * The Pod Security rules of the gate mirror the upstream checks of k8s.io/pod-security-admission
 * (policy/check_*.go) for the Kubernetes version the kit builds: one failing and one passing pod
 * per upstream check, the exact message, and the upstream check ids on the violation.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { POLICY_RULES, PodSecurityCheckId, checkPolicy } from 'kubestack';
import { K8sObject } from '../util';

/** The module the kit's Kubernetes 1.33.13 build resolves (kit/build.sh fills the Go module cache). */
const PSA_VERSION = 'v0.33.13';
const MOD_CACHE = process.env.GOMODCACHE ?? path.join(process.env.GOPATH ?? path.join(os.homedir(), 'go'), 'pkg', 'mod');
const PSA_MODULE = `k8s.io/pod-security-admission@${PSA_VERSION}`;

/** The upstream package's policy/ folder: from the module cache, fetched from the Go module proxy when absent. */
function psaPolicyDir(): string {
  const cached = path.join(MOD_CACHE, 'k8s.io', `pod-security-admission@${PSA_VERSION}`, 'policy');
  if (fs.existsSync(cached)) return cached;
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', PSA_MODULE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
    return path.join((JSON.parse(out) as { Dir: string }).Dir, 'policy');
  } catch (e) {
    throw new Error(
      `cannot read the upstream Pod Security checks: ${cached} is absent and \`go mod download ${PSA_MODULE}\` failed (${(e as Error).message.split('\n')[0]}); install Go or run \`npm run kit\``,
    );
  }
}

/** The check ids registered by the upstream package: `ID: "hostNamespaces"`, or `ID: someID` with `someID CheckID = "..."`. */
function upstreamCheckIds(): string[] {
  const PSA_POLICY = psaPolicyDir();
  const files = fs.readdirSync(PSA_POLICY).filter((f) => /^check_.*\.go$/.test(f) && !f.endsWith('_test.go'));
  const sources = files.map((f) => fs.readFileSync(path.join(PSA_POLICY, f), 'utf8'));
  const constants = new Map<string, string>();
  for (const s of sources) for (const m of s.matchAll(/(\w+)\s+CheckID\s*=\s*"(\w+)"/g)) constants.set(m[1], m[2]);
  const ids: string[] = [];
  for (const s of sources) {
    for (const m of s.matchAll(/^\s*ID:\s*(?:"(\w+)"|(\w+)),/gm)) ids.push(m[1] ?? constants.get(m[2]) ?? `<unresolved ${m[2]}>`);
  }
  return ids.sort();
}

describe('the upstream Pod Security checks', () => {
  test('each appears in the upstream list of exactly one rule, and every listed id exists upstream', () => {
    // GIVEN the check ids registered by the upstream package the kit builds
    const upstream = upstreamCheckIds();
    expect(upstream).toHaveLength(17);
    // WHEN the rules' upstream lists are collected
    const listed = POLICY_RULES.flatMap((r) => r.upstream.map((id) => ({ id, rule: r.id })));
    // THEN every upstream id is claimed by exactly one rule, and no rule names an id upstream does not have
    for (const id of upstream) expect([id, listed.filter((l) => l.id === id).map((l) => l.rule)]).toEqual([id, [expect.any(String)]]);
    expect(listed.map((l) => l.id).sort()).toEqual(upstream);
  });

  test('only Pod Security rules name upstream checks', () => {
    for (const r of POLICY_RULES) if (r.upstream.length > 0) expect([r.id, r.group]).toEqual([r.id, 'pod-security']);
  });
});

const NS = 'pss';
const container = (name: string): K8sObject => ({
  name,
  image: 'registry.example.com/app:1.2.3',
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true },
  resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
  readinessProbe: { exec: { command: ['true'] } },
  livenessProbe: { exec: { command: ['true'] } },
});
const networkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'all', namespace: NS }, spec: { podSelector: {} } };

/** A hardened Pod (plus a NetworkPolicy), changed by `mutate` (pod spec, pod metadata). */
function podWith(mutate: (spec: K8sObject, metadata: K8sObject) => void): unknown[] {
  const metadata: K8sObject = { name: 'p', namespace: NS, labels: { app: 'p' } };
  const spec: K8sObject = {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container('app')],
  };
  mutate(spec, metadata);
  return [{ apiVersion: 'v1', kind: 'Pod', metadata, spec }, networkPolicy];
}

/** `rule: message [upstream ids]` of every violation. */
function violations(objs: unknown[]): string[] {
  return checkPolicy(objs, { production: false, namespace: NS }).violations.map((v) => `${v.rule}: ${v.message} [${(v.upstream ?? []).join(', ')}]`);
}

type Mutate = (spec: K8sObject, metadata: K8sObject) => void;
const app = (spec: K8sObject) => spec.containers[0];

const CASES: [PodSecurityCheckId, Mutate, string[], Mutate][] = [
  [
    'hostNamespaces',
    (s) => Object.assign(s, { hostNetwork: true, hostIPC: true }),
    ['host-namespaces: sets hostNetwork: true [hostNamespaces]', 'host-namespaces: sets hostIPC: true [hostNamespaces]'],
    (s) => Object.assign(s, { hostNetwork: false, hostPID: false }),
  ],
  [
    'privileged',
    (s) =>
      (s.ephemeralContainers = [{ ...container('debug'), resources: undefined, securityContext: { ...container('x').securityContext, privileged: true } }]),
    ["privileged: ephemeral container 'debug' is privileged [privileged]"],
    (s) => (app(s).securityContext.privileged = false),
  ],
  [
    'capabilities_baseline',
    (s) => (app(s).securityContext.capabilities.add = ['SYS_ADMIN', 'NET_BIND_SERVICE']),
    [`capabilities: container 'app' adds capabilities ["SYS_ADMIN"]; only NET_BIND_SERVICE is allowed [capabilities_baseline, capabilities_restricted]`],
    (s) => (app(s).securityContext.capabilities.add = ['NET_BIND_SERVICE']),
  ],
  [
    'capabilities_restricted',
    (s) => (s.initContainers = [{ ...container('init'), securityContext: { allowPrivilegeEscalation: false } }]),
    [`capabilities: init container 'init' does not drop ALL capabilities (drop: []) [capabilities_baseline, capabilities_restricted]`],
    // Windows pods are exempt from the Linux-only restricted checks (1.25+)
    (s) => {
      s.os = { name: 'windows' };
      delete app(s).securityContext.capabilities;
    },
  ],
  [
    'hostPathVolumes',
    (s) => (s.volumes = [{ name: 'sock', hostPath: { path: '/var/run/docker.sock' } }]),
    ["host-path: volume 'sock' is a hostPath ('/var/run/docker.sock') [hostPathVolumes]"],
    (s) => (s.volumes = [{ name: 'tmp', emptyDir: {}, hostPath: null }]),
  ],
  [
    'hostPorts',
    (s) => (app(s).ports = [{ containerPort: 8080, hostPort: 80 }]),
    ["host-ports: container 'app' binds port 8080 to host port 80 [hostPorts]"],
    (s) => (app(s).ports = [{ containerPort: 8080, hostPort: 0 }]),
  ],
  [
    'appArmorProfile',
    (s, m) => {
      s.securityContext.appArmorProfile = { type: 'Unconfined' };
      app(s).securityContext.appArmorProfile = { type: 'Unconfined' };
      m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' };
    },
    [
      "apparmor: the pod securityContext sets AppArmor profile 'Unconfined' [appArmorProfile]",
      "apparmor: container 'app' sets AppArmor profile 'Unconfined' [appArmorProfile]",
      "apparmor: the pod annotation container.apparmor.security.beta.kubernetes.io/app sets AppArmor profile 'unconfined' [appArmorProfile]",
    ],
    (s, m) => {
      s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
      app(s).securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-app' };
      m.annotations = { 'container.apparmor.security.beta.kubernetes.io/app': 'localhost/k8s-app' };
    },
  ],
  [
    'seLinuxOptions',
    (s) => {
      s.securityContext.seLinuxOptions = { type: 'spc_t' };
      app(s).securityContext.seLinuxOptions = { user: 'system_u', role: 'sysadm_r' };
    },
    [
      "selinux: the pod securityContext sets SELinux type 'spc_t' [seLinuxOptions]",
      "selinux: container 'app' sets an SELinux user ('system_u') [seLinuxOptions]",
      "selinux: container 'app' sets an SELinux role ('sysadm_r') [seLinuxOptions]",
    ],
    (s) => {
      s.securityContext.seLinuxOptions = { type: 'container_engine_t', level: 's0:c1,c2' };
      app(s).securityContext.seLinuxOptions = { type: '' };
    },
  ],
  [
    'procMount',
    (s) => (app(s).securityContext.procMount = 'Unmasked'),
    ["proc-mount: container 'app' sets procMount 'Unmasked' [procMount]"],
    (s) => (app(s).securityContext.procMount = 'Default'),
  ],
  [
    'seccompProfile_baseline',
    (s) => (app(s).securityContext.seccompProfile = { type: 'Unconfined' }),
    ["seccomp: container 'app' runs with seccomp profile 'Unconfined' [seccompProfile_baseline, seccompProfile_restricted]"],
    (s) => (app(s).securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' }),
  ],
  [
    'seccompProfile_restricted',
    (s) => {
      s.securityContext.seccompProfile = { type: 'Unconfined' };
      s.initContainers = [{ ...container('init'), securityContext: { ...container('x').securityContext, seccompProfile: { type: 'RuntimeDefault' } } }];
    },
    ["seccomp: the pod securityContext sets seccomp profile 'Unconfined' [seccompProfile_baseline, seccompProfile_restricted]"],
    // the pod may leave it out when every container sets it
    (s) => {
      delete s.securityContext.seccompProfile;
      app(s).securityContext.seccompProfile = { type: 'RuntimeDefault' };
    },
  ],
  [
    'sysctls',
    (s) => (s.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]),
    ["sysctls: the pod sets sysctl 'kernel.msgmax', which is not one of the safe sysctls [sysctls]"],
    (s) =>
      (s.securityContext.sysctls = [
        { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' },
        { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' },
      ]),
  ],
  [
    'windowsHostProcess',
    (s) => {
      s.securityContext.windowsOptions = { hostProcess: true };
      app(s).securityContext.windowsOptions = { hostProcess: true };
    },
    [
      'windows-host-process: the pod securityContext sets windowsOptions.hostProcess: true [windowsHostProcess]',
      "windows-host-process: container 'app' sets windowsOptions.hostProcess: true [windowsHostProcess]",
    ],
    (s) => (s.securityContext.windowsOptions = { hostProcess: false, runAsUserName: 'ContainerUser' }),
  ],
  [
    'restrictedVolumes',
    (s) => (s.volumes = [{ name: 'share', nfs: { server: 'nfs', path: '/' } }]),
    ["volume-types: volume 'share' has type 'nfs', which Pod Security 'restricted' does not allow [restrictedVolumes]"],
    (s) =>
      (s.volumes = [
        { name: 'tools', image: { reference: 'registry.example.com/tools:1.0.0' } },
        { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
      ]),
  ],
  [
    'allowPrivilegeEscalation',
    (s) => (app(s).securityContext.allowPrivilegeEscalation = true),
    ["privilege-escalation: container 'app' does not set allowPrivilegeEscalation: false [allowPrivilegeEscalation]"],
    (s) => {
      s.os = { name: 'windows' };
      delete app(s).securityContext.allowPrivilegeEscalation;
    },
  ],
  [
    'runAsNonRoot',
    (s) => {
      s.securityContext.runAsNonRoot = false;
      app(s).securityContext.runAsNonRoot = true;
      s.initContainers = [{ ...container('init'), securityContext: { ...container('x').securityContext, runAsNonRoot: false } }];
    },
    [
      'run-as-non-root: the pod securityContext sets runAsNonRoot: false [runAsNonRoot, runAsUser]',
      "run-as-non-root: init container 'init' does not set runAsNonRoot: true [runAsNonRoot, runAsUser]",
    ],
    // the pod may leave it out when every container sets true
    (s) => {
      delete s.securityContext.runAsNonRoot;
      app(s).securityContext.runAsNonRoot = true;
    },
  ],
  [
    'runAsUser',
    (s) => {
      s.securityContext.runAsUser = 0;
      app(s).securityContext.runAsUser = 0;
    },
    [
      'run-as-non-root: the pod securityContext sets runAsUser: 0 [runAsNonRoot, runAsUser]',
      "run-as-non-root: container 'app' runs as UID 0; set a non-zero runAsUser [runAsNonRoot, runAsUser]",
    ],
    (s) => (app(s).securityContext.runAsUser = 65532),
  ],
];

describe('every upstream check, at pod and container level', () => {
  test('the hardened pod passes', () => {
    expect(violations(podWith(() => undefined))).toEqual([]);
  });

  test.each(CASES)('%s: fails the pod the API server refuses, with the exact message, and passes the one it admits', (id, fail, messages, pass) => {
    // GIVEN a pod that breaks the upstream check, WHEN the gate checks it, THEN it names the rule and the upstream check
    expect(violations(podWith(fail))).toEqual(messages);
    for (const m of messages) expect(m).toContain(id);
    // GIVEN a pod the upstream check admits, THEN the gate passes it
    expect(violations(podWith(pass))).toEqual([]);
  });

  test('covers every upstream check', () => {
    expect(CASES.map(([id]) => id).sort()).toEqual(POLICY_RULES.flatMap((r) => r.upstream).sort());
  });
});

describe('every pod-bearing kind', () => {
  const badPod = (): K8sObject => {
    const [pod] = podWith((s) => {
      s.hostNetwork = true;
      app(s).securityContext.privileged = true;
    }) as K8sObject[];
    return { metadata: { labels: pod.metadata.labels }, spec: pod.spec };
  };
  const selector = { matchLabels: { app: 'p' } };
  const meta = { name: 'w', namespace: NS };
  test.each([
    ['Deployment', 'apps/v1', { spec: { selector, template: badPod() } }],
    ['StatefulSet', 'apps/v1', { spec: { selector, serviceName: 'w', template: badPod() } }],
    ['DaemonSet', 'apps/v1', { spec: { selector, template: badPod() } }],
    ['ReplicaSet', 'apps/v1', { spec: { selector, template: badPod() } }],
    ['ReplicationController', 'v1', { spec: { selector: { app: 'p' }, template: badPod() } }],
    ['Job', 'batch/v1', { spec: { template: badPod() } }],
    ['CronJob', 'batch/v1', { spec: { schedule: '@daily', jobTemplate: { spec: { template: badPod() } } } }],
    ['PodTemplate', 'v1', { template: badPod() }],
    ['Rollout', 'argoproj.io/v1alpha1', { spec: { selector, template: badPod() } }],
  ])('checks the pods of a %s', (kind, apiVersion, body) => {
    const objs = [{ apiVersion, kind, metadata: meta, ...body }, networkPolicy];
    const found = checkPolicy(objs, { production: false }).violations.map((v) => `${v.rule}: ${v.message}`);
    expect(found).toEqual(expect.arrayContaining(['host-namespaces: sets hostNetwork: true', "privileged: container 'app' is privileged"]));
  });
});
