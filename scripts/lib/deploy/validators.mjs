// The installed checkers, run on deploy/ and their output turned into Issues (file, line, path, message).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dotted, issueAt, nameOf, YAML } from './docs.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Validated against the oldest and the newest schema set we claim: autoscaling/v2 and policy/v1 exist in both. */
export const KUBERNETES_VERSIONS = ['1.29.0', '1.37.0'];

const exec = (cmd, args, options = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'], ...options });

/** Strict schema validation of every object that is not a ScaledObject (that one is KEDA's: see keda()). */
export function kubernetesSchemas(tools, objects) {
  const items = objects.map((o, id) => ({ id, doc: o.doc })).filter((i) => i.doc.kind !== 'ScaledObject');
  const r = exec(tools.python, [path.join(here, 'k8s_validate.py'), ...KUBERNETES_VERSIONS], {
    input: JSON.stringify(items),
  });
  if (r.status !== 0)
    return [{ file: 'deploy/kubernetes', message: `kubernetes-validate failed to run: ${r.stderr.trim()}` }];
  const seen = new Set();
  const issues = [];
  for (const e of JSON.parse(r.stdout)) {
    const key = `${e.id}|${e.path.join('.')}|${e.message}`;
    if (seen.has(key)) continue; // the same error in both versions: say it once, naming the first
    seen.add(key);
    const issue = issueAt(objects[e.id], e.path, `${e.message} (Kubernetes ${e.version} schema)`);
    issues.push(issue);
  }
  return issues;
}

/** KEDA ScaledObjects against the CRD schema (compiled validators of @kubernetes-models/keda). */
export function keda(tools, objects) {
  const { ScaledObject } = createRequire(tools.kedaRequireFrom)('@kubernetes-models/keda/keda.sh/v1alpha1');
  const issues = [];
  for (const o of objects.filter((x) => x.doc.kind === 'ScaledObject')) {
    if (o.doc.apiVersion !== 'keda.sh/v1alpha1') {
      issues.push(issueAt(o, ['apiVersion'], 'must be keda.sh/v1alpha1'));
      continue;
    }
    try {
      new ScaledObject(o.doc).validate();
    } catch (error) {
      for (const e of error.errors ?? [{ instancePath: '', message: error.message }]) {
        const segments = e.instancePath
          .split('/')
          .slice(1)
          .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replaceAll('~1', '/').replaceAll('~0', '~')));
        issues.push(issueAt(o, segments, `${e.message} (KEDA ScaledObject schema)`));
      }
    }
  }
  return issues;
}

/** The same objects from real kustomize: what `kubectl apply -k` would send is what was checked. */
export function compareWithKustomize(tools, dir, objects, rel) {
  const r = exec(tools.kustomize[0], [...tools.kustomize.slice(1), dir]);
  if (r.status !== 0) {
    // kubectl prints klog lines (`E1126 18:44:26.79 24341 run.go:72] "command failed" err="..."`): keep the reason
    const reason = r.stderr.trim().replace(/^\S+ \S+\s+\d+ \S+\] /, '');
    return [{ file: rel, message: `kustomize build failed: ${reason}` }];
  }
  const theirs = new Map(
    YAML.parseAllDocuments(r.stdout)
      .map((d) => d.toJS())
      .filter(Boolean)
      .map((d) => [nameOf(d), d]),
  );
  const issues = [];
  for (const o of objects) {
    const other = theirs.get(nameOf(o.doc));
    theirs.delete(nameOf(o.doc));
    if (!other) issues.push(issueAt(o, ['metadata', 'name'], `kustomize does not render this object from ${rel}`));
    else if (JSON.stringify(sortKeys(other)) !== JSON.stringify(sortKeys(o.doc))) {
      issues.push(issueAt(o, [], `kustomize renders it differently from the checker's renderer (${rel})`));
    }
  }
  for (const name of theirs.keys())
    issues.push({ file: rel, message: `kustomize renders ${name}, which the checker did not see` });
  return issues;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

/** yamllint with deploy/.yamllint.yaml (duplicate keys, indentation, line length, truthy values...). */
export function yamllint(tools, deployDir, files, base) {
  const r = exec(
    tools.python,
    ['-m', 'yamllint', '-c', path.join(deployDir, '.yamllint.yaml'), '-f', 'parsable', ...files],
    { cwd: base },
  );
  if (r.status === 0) return [];
  const issues = [];
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const m = /^(.*?):(\d+):\d+: \[(\w+)\] (.*)$/.exec(line);
    issues.push(
      m ? { file: m[1], line: Number(m[2]), message: `yamllint ${m[3]}: ${m[4]}` } : { file: 'deploy', message: line },
    );
  }
  return issues.length > 0 ? issues : [{ file: 'deploy', message: `yamllint failed: ${r.stderr.trim()}` }];
}

/** hadolint (Dockerfile lint: shell, pinning, instruction order). */
export function hadolint(tools, dockerfile, rel) {
  const r = exec(tools.hadolint, ['--no-color', '-f', 'json', dockerfile]);
  let findings;
  try {
    findings = JSON.parse(r.stdout || '[]');
  } catch {
    return [{ file: rel, message: `hadolint failed: ${r.stdout}${r.stderr}`.trim() }];
  }
  if (findings.length === 0 && r.status !== 0) return [{ file: rel, message: `hadolint failed: ${r.stderr.trim()}` }];
  return findings.map((f) => ({ file: rel, line: f.line, message: `hadolint ${f.code} (${f.level}): ${f.message}` }));
}

/**
 * `docker compose config`: the compose-spec schema and Compose's own checks (undefined services, bad
 * interpolation), offline. Returns the resolved project (JSON) when it is valid.
 */
export function composeConfig(tools, file, rel, record) {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  const r = exec(tools.compose, ['-f', file, 'config', '--format', 'json'], { env });
  if (r.status === 0) return { project: JSON.parse(r.stdout), issues: [] };
  const message = r.stderr.trim().replace(/^validating [^:]*: /, '');
  // "services.audit.depends_on.kafka.condition value must be one of ..." -> the path, then the message
  const m =
    /^((?:services|volumes|networks|configs|secrets|x-[\w-]+)(?:\.[\w.-]+?)?)\s+(additional properties.*|value .*|must .*|Additional .*|.* is required.*)$/.exec(
      message,
    );
  if (m && record) {
    const segments = m[1].split('.');
    return {
      issues: [{ file: rel, line: record.line(segments), path: dotted(segments), message: `docker compose: ${m[2]}` }],
    };
  }
  return { issues: [{ file: rel, message: `docker compose config: ${message}` }] };
}
