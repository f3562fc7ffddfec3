import { list, rec, records, str } from '../../private/object';
import { configDataLiteralSecret, envLiteralSecret, isLiteral, isStrongSecretName, literalSecretIn } from '../secret-scan';
import type { Fail, RuleDefinition } from '../rule';
import { WAIVER_ANNOTATION_PREFIX } from '../types';

/** A command-line flag, `-x`, `--name` or `--name=value`. */
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=([\s\S]*))?$/;

function checkAnnotations(where: string, annotations: unknown, fail: Fail): void {
  for (const [k, v] of Object.entries(rec(annotations))) {
    if (typeof v !== 'string' || k.startsWith(WAIVER_ANNOTATION_PREFIX)) continue; // a waiver's reason is checked by the waiver rule
    const found = literalSecretIn(v);
    if (found) fail(`${where}${k} holds ${found}`);
  }
}

/** `secret-literal`: no literal secret in env values, command lines, annotations or ConfigMaps. The scans are in `secret-scan.ts`. */
export const secretLiteral = {
  id: 'secret-literal',
  group: 'secrets',
  upstream: [],
  description:
    'no literal value in an env var or ConfigMap key whose name says PASS, PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, KEY, CREDENTIAL(S) or ends in AUTH; and, in env values, command and args, annotations and ConfigMap data and files: no password in a URL, no PEM or OpenSSH private key, no `Bearer` token, no `key=value` or `key: value` pair whose key ends in password, passphrase, secret, token or credential, no `--*-password S` flag, no literal `user:password` in an *AUTH* variable',
  fix: "read the value from a Secret (valueFrom.secretKeyRef; a ConfigBundle 'secrets' entry), or compose it from $(VAR) references",
  checkObject({ obj, ref }, _gate, fail) {
    checkAnnotations('annotation ', rec(obj.metadata).annotations, fail);
    if (ref.kind !== 'ConfigMap') return;
    for (const [k, v] of Object.entries(rec(obj.data))) {
      if (typeof v !== 'string') continue;
      const found = configDataLiteralSecret(k, v);
      if (found) fail(`key '${k}' holds ${found}`);
    }
  },
  checkWorkload({ obj, metadata, containers }, _gate, fail) {
    if (metadata !== obj.metadata) checkAnnotations('the pod template annotation ', metadata.annotations, fail);
    for (const c of containers) {
      // A secret passed on the command line: `--db-password S`, `--db-password=S`, or a value with one.
      for (const field of ['command', 'args']) {
        const items = list(c.spec[field]).map((x) => (typeof x === 'string' ? x : ''));
        items.forEach((item, i) => {
          const flag = FLAG.exec(item);
          if (flag && isStrongSecretName(flag[1])) {
            const next = items[i + 1];
            const value = flag[2] ?? (next !== undefined && !next.startsWith('-') ? next : undefined);
            const shown = flag[2] === undefined ? item : `${item.slice(0, item.indexOf('='))}=…`; // never print the secret
            if (value !== undefined && isLiteral(value)) fail(`${c.label} passes a literal secret in ${field}: ${shown}`);
          } else {
            const found = literalSecretIn(item);
            if (found) fail(`${c.label} passes ${found} in ${field}`);
          }
        });
      }
      for (const e of records(c.spec.env)) {
        const name = str(e.name) ?? '';
        if (typeof e.value !== 'string') continue;
        const found = envLiteralSecret(name, e.value);
        if (found) fail(`${c.label} sets env ${name} to ${found}`);
      }
    }
  },
} satisfies RuleDefinition;
