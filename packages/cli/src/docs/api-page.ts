/** The page of one HTTP API (OpenAPI document): an operations table, then each operation's parameters, body, responses. */
import { escapeHtml, layout, prose, table } from './html.js';
import type { OperationDoc } from './openapi.js';
import type { ApiDoc } from './site-model.js';

const code = (s: string): string => `<code>${escapeHtml(s)}</code>`;
const deprecated = (op: OperationDoc): string =>
  op.deprecated ? '<span class="badge deprecated">deprecated</span>' : '';

/** Anchors of the operations: `op-<operationId>`, else `op-<n>`; made of safe characters, unique on the page. */
function anchors(a: ApiDoc): string[] {
  const taken = new Set<string>();
  return a.operations.map((op, i) => {
    const base = `op-${(op.operationId ?? String(i + 1)).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
    taken.add(id);
    return id;
  });
}

function operationSection(op: OperationDoc, id: string): string {
  const parameters = table(
    ['Name', 'In', 'Required', 'Type'],
    op.parameters.map((p) => [code(p.name), escapeHtml(p.in), p.required ? 'yes' : 'no', code(p.type)]),
  );
  const body = op.requestBody
    ? table(
        ['Media type', 'Schema'],
        op.requestBody.content.map(([media, schema]) => [escapeHtml(media), code(schema)]),
      ) + `<p class="muted">${op.requestBody.required ? 'Required.' : 'Optional.'}</p>`
    : '<p class="muted">None.</p>';
  const responses = table(
    ['Status', 'Description', 'Content'],
    op.responses.map((r) => [
      `<strong>${escapeHtml(r.status)}</strong>`,
      escapeHtml(r.description ?? ''),
      r.content.map(([media, schema]) => `${escapeHtml(media)}: ${code(schema)}`).join('<br>'),
    ]),
  );
  return [
    `<section id="${id}" class="operation">`,
    `<h3>${code(op.method)} ${code(op.path)}${deprecated(op)}</h3>`,
    op.summary ? `<p><strong>${escapeHtml(op.summary)}</strong></p>` : '',
    prose(op.description),
    `<h4>Parameters</h4>`,
    parameters,
    `<h4>Request body</h4>`,
    body,
    `<h4>Responses</h4>`,
    responses,
    `</section>`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** The complete page of an API. */
export function apiPage(a: ApiDoc): string {
  const ids = anchors(a);
  const operations = table(
    ['Method', 'Path', 'Operation', 'Summary', 'Tags'],
    a.operations.map((op, i) => [
      code(op.method),
      `<a href="#${ids[i]}">${code(op.path)}</a>`,
      (op.operationId ? code(op.operationId) : '') + deprecated(op),
      escapeHtml(op.summary ?? ''),
      escapeHtml(op.tags.join(', ')),
    ]),
    'operations',
  );
  const body = [
    `<h1>${escapeHtml(a.title)}</h1>`,
    `<p class="muted">HTTP API${a.version ? ` · version ${escapeHtml(a.version)}` : ''} · ${a.operations.length} operations</p>`,
    prose(a.description),
    `<h2 id="operations">Operations</h2>`,
    operations,
    ...a.operations.map((op, i) => operationSection(op, ids[i]!)),
  ];
  return layout(`${escapeHtml(a.title)} · HumanGov contracts`, body.filter(Boolean).join('\n'));
}
