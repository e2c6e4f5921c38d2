// Loads the BUILT packages the way a user's ESM code would get them: each package's exports map, "import"
// condition. The repo root does not depend on @humangov/*, so bare specifiers do not resolve from scripts/; the
// entry points are resolved from packages/sdk (where @humangov/events, kafkajs and amqplib are installed) instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SDK_DIR = path.join(ROOT, 'packages/sdk');
const EVENTS_DIR = realpathSync(path.join(SDK_DIR, 'node_modules/@humangov/events'));
const RESILIENCE_DIR = realpathSync(path.join(SDK_DIR, 'node_modules/@humangov/resilience'));

/** require() as seen from packages/sdk: the kafkajs and amqplib instances the SDK itself loads. */
export const requireFromSdk = createRequire(path.join(SDK_DIR, 'package.json'));
/** require() as seen from packages/resilience: pg, better-sqlite3 and cockatiel (its devDependencies). */
export const requireFromResilience = createRequire(path.join(RESILIENCE_DIR, 'package.json'));

function esmEntry(packageDir, subpath) {
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  return path.join(packageDir, manifest.exports[subpath].import.default);
}

const ENTRIES = [
  ['@humangov/events', esmEntry(EVENTS_DIR, '.'), EVENTS_DIR],
  ['@humangov/sdk', esmEntry(SDK_DIR, '.'), SDK_DIR],
  ['@humangov/sdk/kafka', esmEntry(SDK_DIR, './kafka'), SDK_DIR],
  ['@humangov/sdk/rabbitmq', esmEntry(SDK_DIR, './rabbitmq'), SDK_DIR],
];
const RESILIENCE_ENTRIES = [
  ['@humangov/resilience', esmEntry(RESILIENCE_DIR, '.'), RESILIENCE_DIR],
  ['@humangov/resilience/postgres', esmEntry(RESILIENCE_DIR, './postgres'), RESILIENCE_DIR],
  ['@humangov/resilience/sqlite', esmEntry(RESILIENCE_DIR, './sqlite'), RESILIENCE_DIR],
];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/** Why dist cannot be used as is (missing, or older than src), or undefined when it is current. */
function staleReason() {
  for (const [name, file, dir] of [...ENTRIES, ...RESILIENCE_ENTRIES]) {
    if (!existsSync(file)) return `${name}: ${path.relative(ROOT, file)} is missing`;
    if (statSync(file).mtimeMs < newestMtime(path.join(dir, 'src'))) return `${name}: dist is older than src`;
  }
  return undefined;
}

/** Builds the packages when their dist is missing or stale, so the numbers are those of the current source. */
export function ensureBuilt(log, { allowStale = false } = {}) {
  const reason = staleReason();
  if (!reason) return;
  log(`bench: ${reason}; building (pnpm -r --filter './packages/*' run build)...`);
  execFileSync('pnpm', ['-r', '--filter', './packages/*', 'run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  const still = staleReason();
  if (!still) return;
  // A source file edited while the build ran (someone working in the tree): the build itself succeeded.
  if (allowStale) log(`bench: ${still} after a successful build (edited meanwhile); measuring this build`);
  else throw new Error(`bench: ${still} after the build; run \`pnpm build\` and look at its output`);
}

/** The public modules, imported from their built ESM entry points. */
export async function loadSdk() {
  const [events, sdk, kafka, rabbitmq] = await Promise.all(ENTRIES.map(([, file]) => import(pathToFileURL(file).href)));
  return { events, sdk, kafka, rabbitmq };
}

/** @humangov/resilience and its SQL subpaths, imported from their built ESM entry points. */
export async function loadResilience() {
  const [resilience, postgres, sqlite] = await Promise.all(
    RESILIENCE_ENTRIES.map(([, file]) => import(pathToFileURL(file).href)),
  );
  return { resilience, postgres, sqlite };
}

/** Installed version of a package resolvable from `dir` (reads its package.json even when exports hide it). */
export function installedVersion(name, dir = RESILIENCE_DIR) {
  return JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export function clientVersions() {
  // amqplib's exports map hides package.json: read it from the installed directory instead.
  const version = (name) =>
    JSON.parse(readFileSync(path.join(SDK_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  return { kafkajs: version('kafkajs'), amqplib: version('amqplib') };
}
