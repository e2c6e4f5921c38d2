// The settings each service process receives: DEMO_SERVICE and DEMO_SETTINGS (the JSON object that
// examples/demo/src/child.ts parses), as Kubernetes assembles them from the ConfigMap, the Secret and `$(VAR)`.
import { issueAt } from './docs.mjs';

/** Keys of examples/demo/src/settings.ts DemoSettings that a service reads. */
export const SETTINGS_KEYS = [
  'transport',
  'db',
  'dataDir',
  'runId',
  'tokenSecret',
  'kafkaBrokers',
  'amqpUrl',
  'databaseUrl',
];

/** Expands Kubernetes `$(VAR)` references the way the kubelet does (an unknown reference stays as written). */
export function expandVars(value, vars) {
  return value.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name) => (name in vars ? vars[name] : whole));
}

/** DEMO_SERVICE names the Deployment; DEMO_SETTINGS, once expanded, is the JSON object the entry parses. */
export function checkEnv(d, at, c, name, configMaps, secrets) {
  const issues = [];
  const vars = {};
  for (const [i, from] of (c.envFrom ?? []).entries()) {
    const ref = from.configMapRef ?? from.secretRef;
    const source = from.configMapRef ? configMaps.get(ref?.name) : secrets.get(ref?.name);
    if (!source) {
      issues.push(
        issueAt(
          d,
          [...at, 'envFrom', i],
          `refers to ${from.configMapRef ? 'ConfigMap' : 'Secret'} "${ref?.name}", which is not defined`,
        ),
      );
      continue;
    }
    Object.assign(vars, source.doc.data ?? {}, source.doc.stringData ?? {});
  }
  const env = c.env ?? [];
  for (const [i, e] of env.entries()) {
    if (e.value !== undefined) vars[e.name] = expandVars(String(e.value), vars);
    else {
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      const source = e.valueFrom?.configMapKeyRef ? configMaps.get(ref?.name) : secrets.get(ref?.name);
      const value = source && { ...source.doc.data, ...source.doc.stringData }[ref.key];
      if (ref && value === undefined)
        issues.push(
          issueAt(d, [...at, 'env', i, 'valueFrom'], `refers to "${ref.name}/${ref.key}", which is not defined`),
        );
      else if (value !== undefined) vars[e.name] = value;
    }
  }
  const index = (n) => env.findIndex((e) => e.name === n);
  if (vars.DEMO_SERVICE !== name) {
    issues.push(
      issueAt(
        d,
        [...at, 'env', Math.max(index('DEMO_SERVICE'), 0)],
        `DEMO_SERVICE must be "${name}" (found ${vars.DEMO_SERVICE})`,
      ),
    );
  }
  const where = [...at, 'env', Math.max(index('DEMO_SETTINGS'), 0), 'value'];
  if (vars.DEMO_SETTINGS === undefined) return [...issues, issueAt(d, where, 'DEMO_SETTINGS is missing')];
  const unresolved = vars.DEMO_SETTINGS.match(/\$\([^)]*\)/g);
  if (unresolved) return [...issues, issueAt(d, where, `${unresolved.join(', ')} is not defined before DEMO_SETTINGS`)];
  let settings;
  try {
    settings = JSON.parse(vars.DEMO_SETTINGS);
  } catch (error) {
    return [...issues, issueAt(d, where, `DEMO_SETTINGS is not JSON once expanded (${error.message})`)];
  }
  const missing = SETTINGS_KEYS.filter((k) => settings[k] === undefined);
  if (missing.length > 0) issues.push(issueAt(d, where, `DEMO_SETTINGS lacks ${missing.join(', ')}`));
  if (!Array.isArray(settings.kafkaBrokers))
    issues.push(issueAt(d, where, 'DEMO_SETTINGS.kafkaBrokers must be an array'));
  if (!['kafka', 'rabbitmq'].includes(settings.transport)) {
    issues.push(issueAt(d, where, `DEMO_SETTINGS.transport must be kafka or rabbitmq (found ${settings.transport})`));
  }
  return issues;
}
