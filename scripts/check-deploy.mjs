#!/usr/bin/env node
// Validates deploy/ without Docker or a cluster (deploy/README.md "What was and was not tested"):
//   node scripts/check-deploy.mjs [--deploy DIR]
// - Kubernetes: each kustomization under deploy/kubernetes rendered (and compared with real kustomize), every
//   object checked against the strict Kubernetes 1.29 and 1.37 schemas (kubernetes-validate), ScaledObjects against
//   KEDA's CRD schema, and the overlay's objects against each other (scripts/lib/deploy/k8s-rules.mjs);
// - docker-compose.yml: `docker compose config` (compose-spec schema and Compose's own checks), then its services;
// - Dockerfile: hadolint, and its CMD, USER and EXPOSE against the Deployments;
// - every YAML file: yamllint with deploy/.yamllint.yaml.
// Prints one line per problem (`file:line: Kind/name: path: message`) and exits 1 if there is any. The checkers are
// installed on first use into ~/.cache/humangov/deploy-check; when that fails the run fails under CI=true and
// otherwise says what it skipped.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCompose, checkDockerfile } from './lib/deploy/compose-rules.mjs';
import { formatIssue, readYamlDocs } from './lib/deploy/docs.mjs';
import { checkOverlay } from './lib/deploy/k8s-rules.mjs';
import { renderKustomization } from './lib/deploy/kustomize.mjs';
import { ensureTools, ToolInstallError } from './lib/deploy/tools.mjs';
import {
  compareWithKustomize,
  composeConfig,
  hadolint,
  KUBERNETES_VERSIONS,
  keda,
  kubernetesSchemas,
  yamllint,
} from './lib/deploy/validators.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = argv.indexOf('--deploy');
const deployDir = path.resolve(flag >= 0 ? argv[flag + 1] : path.join(repo, 'deploy'));
const base = path.dirname(deployDir);
const rel = (abs) => path.relative(base, abs);
const issues = [];
const said = [];

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const abs = path.join(dir, name);
    return statSync(abs).isDirectory() ? walk(abs) : [abs];
  });
if (!existsSync(deployDir)) {
  console.error(`check-deploy: ${deployDir} does not exist`);
  process.exit(1);
}
const yamlFiles = walk(deployDir).filter((f) => /\.ya?ml$/.test(f));

// ---- Kubernetes: render every kustomization, check each overlay's objects together -------------------------------
const k8sDir = path.join(deployDir, 'kubernetes');
const overlays = existsSync(k8sDir)
  ? readdirSync(k8sDir).filter((d) => existsSync(path.join(k8sDir, d, 'kustomization.yaml')))
  : [];
const rendered = overlays.map((name) => ({
  name,
  dir: path.join(k8sDir, name),
  ...renderKustomization(path.join(k8sDir, name), base),
}));
const listed = new Set(rendered.flatMap((r) => r.files));
for (const f of yamlFiles.filter((f) => f.startsWith(k8sDir + path.sep))) {
  if (!listed.has(rel(f)))
    issues.push({ file: rel(f), message: 'is not listed in any kustomization.yaml, so nothing applies or checks it' });
}
for (const r of rendered) issues.push(...r.issues, ...checkOverlay(r.objects, r.name));
// each source object once (base objects appear in every overlay), for the schema checks
const unique = new Map();
for (const r of rendered) for (const o of r.objects) unique.set(`${o.file}#${o.index}`, o);
const objects = [...unique.values()];

// ---- Dockerfile against the Deployments ---------------------------------------------------------------------------
const dockerfile = path.join(deployDir, 'Dockerfile');
const deployments = rendered.find((r) => r.name === 'base')?.objects.filter((o) => o.doc.kind === 'Deployment') ?? [];
if (existsSync(dockerfile))
  issues.push(...checkDockerfile(readFileSync(dockerfile, 'utf8'), rel(dockerfile), deployments));
else issues.push({ file: rel(dockerfile), message: 'is missing' });

// ---- the installed checkers ---------------------------------------------------------------------------------------
let tools;
try {
  tools = ensureTools();
} catch (error) {
  if (!(error instanceof ToolInstallError)) throw error;
  if (process.env.CI === 'true') {
    console.error(`check-deploy: FAILED: ${error.message}`);
    process.exit(1);
  }
  said.push(`skipped the schema checks, kustomize, yamllint, hadolint and docker compose: ${error.message}`);
}
if (tools) {
  issues.push(...kubernetesSchemas(tools, objects), ...keda(tools, objects));
  for (const r of rendered) issues.push(...compareWithKustomize(tools, r.dir, r.objects, rel(r.dir)));
  issues.push(...yamllint(tools, deployDir, yamlFiles.map(rel), base));
  if (existsSync(dockerfile)) issues.push(...hadolint(tools, dockerfile, rel(dockerfile)));
  const composeFile = path.join(deployDir, 'docker-compose.yml');
  if (existsSync(composeFile)) {
    const read = readYamlDocs(composeFile, rel(composeFile));
    const { project, issues: found } = composeConfig(tools, composeFile, rel(composeFile), read.docs[0]);
    issues.push(...found);
    if (project && read.docs[0]) issues.push(...checkCompose(project, read.docs[0]));
  } else issues.push({ file: rel(composeFile), message: 'is missing' });
}

const lines = [...new Set(issues.map(formatIssue))].sort();
for (const line of lines) console.error(line);
for (const line of said) console.error(`check-deploy: ${line}`);
if (lines.length > 0) {
  console.error(`check-deploy: ${lines.length} problem${lines.length === 1 ? '' : 's'} in ${rel(deployDir)}`);
  process.exit(1);
}
const kinds = objects.length;
console.log(
  `check-deploy: ok: ${kinds} Kubernetes objects in ${overlays.length} kustomizations (${overlays.join(', ')})` +
    (tools
      ? `, strict schemas of Kubernetes ${KUBERNETES_VERSIONS.map((v) => v.replace(/\.0$/, '')).join(' and ')}, KEDA CRD, kustomize, ` +
        'docker compose config, hadolint, yamllint'
      : ', structural checks only'),
);
