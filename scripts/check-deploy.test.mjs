// Tests of scripts/check-deploy.mjs on copies of deploy/ (`node --test scripts/`, run by scripts/test.sh). The
// checkers are the real ones (installed once into ~/.cache/humangov/deploy-check, as the script does in CI).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, 'check-deploy.mjs');
const deploy = path.join(here, '..', 'deploy');
const tmp = mkdtempSync(path.join(tmpdir(), 'humangov-deploy-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A copy of deploy/ with `edits` applied: `{ 'kubernetes/base/x.yaml': [[from, to], ...] }` (each `from` must occur;
 * a file that does not exist starts empty). */
function copyWith(edits) {
  const dir = path.join(tmp, String(n++), 'deploy');
  cpSync(deploy, dir, { recursive: true });
  for (const [file, replacements] of Object.entries(edits)) {
    const abs = path.join(dir, file);
    let text = existsSync(abs) ? readFileSync(abs, 'utf8') : '';
    for (const [from, to] of replacements) {
      assert.ok(text.includes(from), `test setup: ${file} does not contain ${JSON.stringify(from)}`);
      text = text.replace(from, to);
    }
    writeFileSync(abs, text);
  }
  return dir;
}

function check(dir, env = {}) {
  const r = spawnSync(process.execPath, [cli, '--deploy', dir], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** 1-based line of the first occurrence of `text` in deploy-copy file `file`. */
function lineOf(dir, file, text) {
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `test setup: ${text} not in ${file}`);
  return i + 1;
}

describe('check-deploy', () => {
  test('passes the real deploy/ folder, naming every checker it ran', () => {
    const r = check(deploy);
    assert.equal(r.status, 0, r.err);
    assert.match(r.out, /check-deploy: ok: \d+ Kubernetes objects in 3 kustomizations \(base, hpa, keda\)/);
    assert.match(
      r.out,
      /strict schemas of Kubernetes 1\.29 and 1\.37, KEDA CRD, kustomize, docker compose config, hadolint, yamllint/,
    );
  });

  test('rejects Kubernetes schema errors with the file, line, object and field path', () => {
    const dir = copyWith({
      'kubernetes/base/eligibility.yaml': [
        ['replicas: 2', 'replicas: two'],
        ['memory: 192Mi', 'memory: lots'],
      ],
      'kubernetes/base/benefits.yaml': [
        [
          '              path: /healthz\n              port: http\n            periodSeconds: 10',
          '              path: /healthz\n              prot: http\n            periodSeconds: 10',
        ],
      ],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    const line = lineOf(dir, 'kubernetes/base/eligibility.yaml', 'replicas: two');
    assert.ok(
      r.err.includes(
        `deploy/kubernetes/base/eligibility.yaml:${line}: Deployment/eligibility: spec.replicas: 'two' is not of type 'integer'`,
      ),
      r.err,
    );
    assert.match(
      r.err,
      /deploy\/kubernetes\/base\/benefits\.yaml:\d+: Deployment\/benefits: spec\.template\.spec\.containers\[0\]\.livenessProbe\.httpGet: Additional properties are not allowed \('prot' was unexpected\)/,
    );
    assert.match(
      r.err,
      /eligibility\.yaml:\d+: Deployment\/eligibility: spec\.template\.spec\.containers\[0\]\.resources\.requests\.memory: "lots" is not a Kubernetes quantity/,
    );
    assert.match(r.err, /check-deploy: \d+ problems in deploy/);
  });

  test('rejects a consumer without a readiness probe, a wrong consumer group and a KEDA schema error', () => {
    const dir = copyWith({
      'kubernetes/base/payments.yaml': [
        [
          '          readinessProbe:\n            httpGet:\n              path: /readyz\n              port: health\n            periodSeconds: 5\n            timeoutSeconds: 3\n            failureThreshold: 2\n',
          '',
        ],
      ],
      'kubernetes/keda/scaledobjects.yaml': [
        ['consumerGroup: eligibility', 'consumerGroup: eligibilty'],
        ['lagThreshold: "50"', 'lagThreshold: 50'],
      ],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    assert.match(
      r.err,
      /deploy\/kubernetes\/base\/payments\.yaml:\d+: Deployment\/payments: spec\.template\.spec\.containers\[0\]\.readinessProbe: is missing/,
    );
    const group = lineOf(dir, 'kubernetes/keda/scaledobjects.yaml', 'consumerGroup: eligibilty');
    assert.ok(
      r.err.includes(
        `deploy/kubernetes/keda/scaledobjects.yaml:${group}: ScaledObject/eligibility: spec.triggers[0].metadata.consumerGroup: must be the group Deployment/eligibility consumes with ("eligibility")`,
      ),
      r.err,
    );
    assert.match(
      r.err,
      /ScaledObject\/eligibility: spec\.triggers\[0\]\.metadata\.lagThreshold: must be string \(KEDA ScaledObject schema\)/,
    );
  });

  test('rejects an overlay that leaves a consumer without lag autoscaling, and files no kustomization lists', () => {
    const hpa = readFileSync(path.join(deploy, 'kubernetes/hpa/hpa-external.yaml'), 'utf8');
    const payments = hpa.split('---\n').find((doc) => doc.includes('name: payments'));
    const dir = copyWith({
      'kubernetes/hpa/hpa-external.yaml': [[`---\n${payments}`, '']],
      'kubernetes/keda/kustomization.yaml': [
        ['  - scaledobjects.yaml\n', '  - scaledobjects.yaml\n  - missing.yaml\n'],
      ],
      'kubernetes/base/stray.yaml': [['', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n']],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    assert.match(
      r.err,
      /deploy\/kubernetes\/base\/payments\.yaml:\d+: Deployment\/payments: metadata\.annotations: consumes as group "payments" but overlay hpa does not scale it on consumer lag/,
    );
    assert.match(r.err, /deploy\/kubernetes\/base\/stray\.yaml: is not listed in any kustomization\.yaml/);
    const line = lineOf(dir, 'kubernetes/keda/kustomization.yaml', 'missing.yaml');
    assert.ok(
      r.err.includes(`deploy/kubernetes/keda/kustomization.yaml:${line}: resources[2]: "missing.yaml" does not exist`),
      r.err,
    );
    assert.match(r.err, /deploy\/kubernetes\/keda: kustomize build failed: .*missing\.yaml/);
  });

  test('rejects a compose file that breaks the compose-spec schema, naming the file, line and path', () => {
    const dir = copyWith({
      'docker-compose.yml': [['  audit:\n    <<: *service\n', '  audit:\n    <<: *service\n    restrat: always\n']],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    const line = lineOf(dir, 'docker-compose.yml', '  audit:');
    assert.ok(
      r.err.includes(
        `deploy/docker-compose.yml:${line}: services.audit: docker compose: additional properties 'restrat' not allowed`,
      ),
      r.err,
    );
  });

  test('rejects compose services that do not wait for healthy brokers or cannot parse their settings', () => {
    const dir = copyWith({
      'docker-compose.yml': [
        ['    rabbitmq:\n      condition: service_healthy', '    rabbitmq:\n      condition: service_started'],
        ['"citizens":0}', '"citizens":0'],
      ],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    assert.match(
      r.err,
      /deploy\/docker-compose\.yml:\d+: services\.eligibility\.depends_on: must wait for rabbitmq with condition: service_healthy/,
    );
    assert.match(
      r.err,
      /deploy\/docker-compose\.yml:\d+: services\.audit\.environment: DEMO_SETTINGS must be a JSON object once interpolated/,
    );
  });

  test('rejects a Dockerfile that hadolint flags or that does not run what the Deployments run', () => {
    const dir = copyWith({
      Dockerfile: [
        ['WORKDIR /app\nCOPY --from=build', 'RUN cd /app\nCOPY --from=build'],
        ['USER 1000:1000', 'USER node'],
        ['"examples/demo/src/child.ts"]', '"examples/demo/src/main.ts"]'],
      ],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    const cd = lineOf(dir, 'Dockerfile', 'RUN cd /app');
    assert.ok(
      r.err.includes(`deploy/Dockerfile:${cd}: hadolint DL3003 (warning): Use WORKDIR to switch to a directory`),
      r.err,
    );
    assert.match(r.err, /deploy\/Dockerfile:\d+: the final stage must run as USER 1000/);
    assert.match(
      r.err,
      /deploy\/Dockerfile:\d+: CMD \["node","--import","tsx","examples\/demo\/src\/main\.ts"\] differs from the command of Deployment/,
    );
  });

  test('rejects YAML that yamllint or the parser refuses, with the line', () => {
    const dir = copyWith({
      'kubernetes/base/config.yaml': [['  HUMANGOV_RUN_ID: k8s', '  HUMANGOV_RUN_ID: k8s\n  HUMANGOV_RUN_ID: again']],
    });
    const r = check(dir);
    assert.equal(r.status, 1);
    const line = lineOf(dir, 'kubernetes/base/config.yaml', 'HUMANGOV_RUN_ID: again');
    assert.ok(
      r.err.includes(
        `deploy/kubernetes/base/config.yaml:${line}: yamllint error: duplication of key "HUMANGOV_RUN_ID"`,
      ),
      r.err,
    );
  });

  test('fails under CI=true when the checkers cannot be installed, and says what it skipped otherwise', () => {
    const env = { PATH: '/nonexistent', HUMANGOV_DEPLOY_CACHE: path.join(tmp, 'empty-cache') };
    const ci = check(deploy, { ...env, CI: 'true' });
    assert.equal(ci.status, 1);
    assert.match(ci.err, /check-deploy: FAILED: could not install the Python checkers: no python3 on PATH/);
    const local = check(deploy, { ...env, CI: '' });
    assert.equal(local.status, 0, local.err);
    assert.match(
      local.err,
      /check-deploy: skipped the schema checks, kustomize, yamllint, hadolint and docker compose/,
    );
    assert.match(local.out, /structural checks only/);
  });
});
