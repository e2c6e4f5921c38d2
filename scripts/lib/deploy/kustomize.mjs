// Renders a kustomization the way `kustomize build` does, for the few fields deploy/kubernetes uses (resources,
// namespace, images), keeping each object's source file and line so that findings point at what to edit.
// Any other kustomization field is refused rather than half-understood; compare.mjs checks that real kustomize
// renders the same objects.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { issueAt, readYamlDocs } from './docs.mjs';

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images']);
/** Kinds that kustomize's namespace transformer leaves alone (cluster-scoped) among those we could use. */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);

/**
 * @param {string} dir absolute folder holding kustomization.yaml
 * @param {string} base absolute folder that file names are reported relative to
 * @returns {{ objects: Array<{ file: string, doc: any, line: Function }>, issues: import('./docs.mjs').Issue[], files: string[] }}
 */
export function renderKustomization(dir, base) {
  const issues = [];
  const files = [];
  const kFile = path.join(dir, 'kustomization.yaml');
  const rel = (abs) => path.relative(base, abs);
  if (!existsSync(kFile))
    return { objects: [], issues: [{ file: rel(dir), message: 'has no kustomization.yaml' }], files };
  files.push(rel(kFile));
  const read = readYamlDocs(kFile, rel(kFile));
  issues.push(...read.issues);
  const record = read.docs[0];
  if (!record) return { objects: [], issues, files };
  const k = record.doc;
  for (const key of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(key)) {
      issues.push(
        issueAt(
          record,
          [key],
          `the checker's renderer does not support "${key}" (only ${[...KNOWN_FIELDS].join(', ')})`,
        ),
      );
    }
  }
  if (k.kind !== 'Kustomization') issues.push(issueAt(record, ['kind'], 'must be "Kustomization"'));

  let objects = [];
  for (const [i, entry] of (k.resources ?? []).entries()) {
    const target = path.resolve(dir, String(entry));
    if (!existsSync(target)) {
      issues.push(issueAt(record, ['resources', i], `"${entry}" does not exist (relative to ${rel(dir) || '.'})`));
    } else if (statSync(target).isDirectory()) {
      const sub = renderKustomization(target, base);
      objects.push(...sub.objects);
      issues.push(...sub.issues);
      files.push(...sub.files);
    } else {
      const docs = readYamlDocs(target, rel(target));
      issues.push(...docs.issues);
      objects.push(...docs.docs);
      files.push(rel(target));
    }
  }

  objects = objects.map((o) => ({ ...o, doc: structuredClone(o.doc) }));
  if (k.namespace) {
    for (const o of objects) {
      if (!CLUSTER_SCOPED.has(o.doc.kind)) o.doc.metadata = { ...o.doc.metadata, namespace: k.namespace };
    }
  }
  for (const image of k.images ?? []) {
    for (const o of objects) {
      for (const c of [
        ...(o.doc.spec?.template?.spec?.containers ?? []),
        ...(o.doc.spec?.template?.spec?.initContainers ?? []),
      ]) {
        const [name] = splitImage(c.image ?? '');
        if (name !== image.name) continue;
        c.image = `${image.newName ?? name}${image.digest ? `@${image.digest}` : `:${image.newTag ?? splitImage(c.image)[1]}`}`;
      }
    }
  }

  const seen = new Map();
  for (const o of objects) {
    const id = `${o.doc.kind}/${o.doc.metadata?.namespace ?? ''}/${o.doc.metadata?.name}`;
    if (seen.has(id)) {
      issues.push(
        issueAt(o, ['metadata', 'name'], `is also defined in ${seen.get(id)} (kustomize refuses duplicates)`),
      );
    } else seen.set(id, o.file);
  }
  return { objects, issues, files: [...new Set(files)] };
}

/** `registry/name:tag` -> `[registry/name, tag]` (a port in the registry host is not a tag). */
export function splitImage(image) {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, 'latest'];
}
