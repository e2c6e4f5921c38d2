// YAML documents of deploy/ with their source file and line numbers, and the one shape every finding takes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The workspace's own `yaml` (a dependency of packages/cli): the checker adds no dependency of its own here.
const YAML = createRequire(path.join(repo, 'packages/cli/package.json'))('yaml');

/**
 * One finding: `file` is relative to the folder that holds deploy/ (so it reads `deploy/...`), `path` is the
 * field inside the document (`spec.template.spec.containers[0].image`), `where` names the object (`Deployment/x`).
 * @typedef {{ file: string, line?: number, where?: string, path?: string, message: string }} Issue
 */

/** `file:line: Kind/name: path: message`, leaving out what is unknown. */
export function formatIssue(issue) {
  const head = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  return [head, issue.where, issue.path, issue.message].filter(Boolean).join(': ');
}

/** `['spec', 'containers', 0, 'image']` -> `spec.containers[0].image`. */
export function dotted(segments) {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** `Deployment/eligibility` for a Kubernetes object, or `''`. */
export function nameOf(doc) {
  return doc && typeof doc === 'object' && doc.kind && doc.metadata?.name ? `${doc.kind}/${doc.metadata.name}` : '';
}

/**
 * Parses every YAML document of a file (merge keys on, as Docker Compose and kustomize read them).
 * @returns {{ docs: Array<{ file: string, index: number, doc: any, line(path: Array<string|number>): number|undefined }>, issues: Issue[] }}
 */
export function readYamlDocs(absFile, rel) {
  const issues = [];
  let text;
  try {
    text = readFileSync(absFile, 'utf8');
  } catch (error) {
    return { docs: [], issues: [{ file: rel, message: `cannot be read: ${error.message}` }] };
  }
  const lineCounter = new YAML.LineCounter();
  const parsed = YAML.parseAllDocuments(text, { lineCounter, merge: true, prettyErrors: false });
  const docs = [];
  for (const [index, document] of (Array.isArray(parsed) ? parsed : [parsed]).entries()) {
    if (document.errors.length > 0) {
      for (const e of document.errors) {
        issues.push({ file: rel, line: lineCounter.linePos(e.pos[0]).line, message: `invalid YAML: ${e.message}` });
      }
      continue;
    }
    const doc = document.toJS({ maxAliasCount: 1000 });
    if (doc === null || doc === undefined) continue; // an empty document (a trailing `---`)
    const line = (segments) => {
      // The line of the key (or list item) the path ends at; for a missing field, that of its deepest parent.
      for (let n = segments.length; n > 0; n--) {
        const parent = n === 1 ? document.contents : document.getIn(segments.slice(0, n - 1), true);
        const last = segments[n - 1];
        const node = YAML.isMap(parent)
          ? parent.items.find((p) => (YAML.isScalar(p.key) ? p.key.value : p.key) === last)?.key
          : YAML.isSeq(parent) && typeof last === 'number'
            ? parent.items[last]
            : undefined;
        if (node?.range) return lineCounter.linePos(node.range[0]).line;
      }
      return document.contents?.range ? lineCounter.linePos(document.contents.range[0]).line : undefined;
    };
    docs.push({ file: rel, index, doc, line });
  }
  return { docs, issues };
}

/** An Issue about `record` (a document from readYamlDocs) at `segments`. */
export function issueAt(record, segments, message) {
  return {
    file: record.file,
    line: record.line(segments),
    where: nameOf(record.doc),
    path: dotted(segments),
    message,
  };
}

export { YAML };
