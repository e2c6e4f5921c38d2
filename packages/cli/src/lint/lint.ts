/** `humangov lint`: the AsyncAPI parser's diagnostics plus HumanGov's rules. */
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { type Diagnostic, sortDiagnostics } from '../diagnostics.js';
import { isObject, type Located, nodeId, Workspace } from '../load/workspace.js';
import { type EventVersionModel, readAsyncApi } from '../transform/asyncapi-document.js';
import { NameAllocator } from '../transform/names.js';
import { SchemaTransform } from '../transform/schema-object.js';
import { validateWithParser } from './parser-diagnostics.js';

/**
 * Property names that hold personal data when they appear in an event payload. A payload property with one of
 * these names must carry `x-pii: true`; other contexts refer to a citizen by `citizen_id`.
 */
export const PERSONAL_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'full_name',
  'given_name',
  'family_name',
  'first_name',
  'last_name',
  'surname',
  'middle_name',
  'date_of_birth',
  'birth_date',
  'dob',
  'address',
  'street',
  'address_line1',
  'address_line2',
  'postcode',
  'postal_code',
  'national_id',
  'national_identifier',
  'national_insurance_number',
  'ssn',
  'email',
  'phone',
  'phone_number',
  'income',
  'monthly_income',
  'annual_income',
]);

/** Lints AsyncAPI files. Returns errors and warnings (parser infos and hints are left out), sorted by place. */
export async function lint(files: readonly string[]): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const file of files) {
    diagnostics.push(...(await validateWithParser(file)).filter((d) => d.severity !== 'info'));
  }
  const ws = new Workspace();
  const schemas = new SchemaTransform(ws, new NameAllocator());
  const model = readAsyncApi(ws, files);
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  for (const event of model.events) checkEvent(ws, schemas, ajv, event);
  diagnostics.push(...ws.diagnostics);
  return sortDiagnostics(diagnostics);
}

function checkEvent(ws: Workspace, schemas: SchemaTransform, ajv: Ajv, event: EventVersionModel): void {
  const label = `${event.type} v${event.version}`;
  if (!ws.child(event.node, 'x-version')) {
    ws.report(event.node, 'error', 'message-version', `${label}: add \`x-version: <major>\` to the message`);
  }
  if (!event.payload) return;
  const schema = schemas.jsonSchema(event.payload);
  if (event.examples.length === 0) {
    ws.report(event.node, 'error', 'message-example', `${label}: add at least one example with a payload`);
  } else {
    const validate = ajv.compile(schema);
    for (const example of event.examples) {
      if (validate(example.value)) continue;
      for (const e of validate.errors ?? []) {
        ws.report(
          example,
          'error',
          'example-valid',
          `${label}: example ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
        );
      }
    }
  }
  if (event.channel.kafka) checkKafkaKey(ws, event, schema, label);
  walkSchema(ws, event.payload, (node, key) => {
    const target = ws.deref(node);
    if (!target || !isObject(target.value)) return;
    const v = target.value;
    const isObjectSchema = v.type === 'object' || (v.type === undefined && isObject(v.properties));
    if (isObjectSchema && isObject(v.properties) && !schemas.nameOf(target)) {
      ws.report(
        target,
        'error',
        'no-anonymous-schema',
        `${label}: name this object schema (move it to components.schemas or give it a title)`,
      );
    }
    if (key !== undefined && PERSONAL_FIELDS.has(key)) {
      const flag = isObject(node.value) && 'x-pii' in node.value ? node.value['x-pii'] : v['x-pii'];
      // `x-pii: false` is an explicit "not personal data" (a template variable called `name`, say).
      if (typeof flag !== 'boolean')
        ws.report(node, 'error', 'pii-marked', `${label}: "${key}" holds personal data: mark it \`x-pii: true\``);
    }
  });
}

function checkKafkaKey(ws: Workspace, event: EventVersionModel, schema: Record<string, unknown>, label: string): void {
  const bindings = ws.child(event.node, 'bindings');
  const kafka = bindings && ws.child(bindings, 'kafka');
  const keySchema = kafka && ws.deref(kafka);
  if (!keySchema || !ws.child(keySchema, 'key')) {
    ws.report(
      event.node,
      'error',
      'kafka-key',
      `${label}: a message on a Kafka channel needs \`bindings.kafka.key\` (the key schema)`,
    );
  }
  if (!event.partitionKey) {
    ws.report(
      event.node,
      'error',
      'kafka-key',
      `${label}: add \`x-partition-key\`, a JSON pointer to the payload field that keys the Kafka message`,
    );
    return;
  }
  const first = event.partitionKey.split('/')[1] ?? '';
  const required = Array.isArray(schema.required) ? schema.required : [];
  const props = isObject(schema.properties) ? schema.properties : {};
  if (!(first in props) || !required.includes(first)) {
    ws.report(
      ws.child(event.node, 'x-partition-key') ?? event.node,
      'error',
      'kafka-key',
      `${label}: x-partition-key ${event.partitionKey} must name a required payload property`,
    );
  }
}

/** Visits every schema under a root once (following `$ref`s), with the property name it sits under, if any. */
function walkSchema(ws: Workspace, root: Located, visit: (node: Located, key?: string) => void): void {
  const seen = new Set<string>();
  const walk = (node: Located, key?: string) => {
    visit(node, key);
    const target = ws.deref(node);
    if (!target || !isObject(target.value)) return;
    const id = nodeId(target);
    if (seen.has(id)) return;
    seen.add(id);
    const props = ws.child(target, 'properties');
    if (props && isObject(props.value)) for (const k of Object.keys(props.value)) walk(ws.child(props, k)!, k);
    for (const k of ['items', 'additionalProperties', 'not']) {
      const child = ws.child(target, k);
      if (child && isObject(child.value)) walk(child);
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) for (const item of ws.items(target, k)) walk(item, key);
  };
  walk(root);
}
