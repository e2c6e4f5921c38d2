/**
 * The generated event module set: `types.ts` (payload types + `EventMap`), `schemas.ts` (JSON Schemas),
 * `validators.ts` (precompiled validators), `catalog.ts` (the runtime catalog) and `index.ts`.
 * The set imports nothing but `ajv-formats`' format table, so it compiles wherever it is written.
 */

import { nodeId } from '../load/workspace.js';
import type { AsyncApiModel, EventVersionModel } from '../transform/asyncapi-document.js';
import type { NameAllocator } from '../transform/names.js';
import { jsdoc, pascalCase } from '../transform/names.js';
import type { SchemaTransform } from '../transform/schema-object.js';
import { emitValidators } from './validators.js';

interface Names {
  readonly typeName: string;
  readonly schemaConst: string;
  readonly validator: string;
}

/** Renders the module set; keys are file names relative to the output folder. */
export function emitEventsModule(
  model: AsyncApiModel,
  schemas: SchemaTransform,
  allocator: NameAllocator,
  head: string,
): Map<string, string> {
  const names = new Map<EventVersionModel, Names>();
  const aliases: string[] = [];
  for (const event of model.events) {
    const wanted = `${event.name}V${event.version}`;
    const payloadName = event.payload ? schemas.nameOf(event.payload) : undefined;
    let typeName: string;
    if (payloadName === pascalCase(wanted)) typeName = payloadName;
    else {
      typeName = allocator.name(`message:${nodeId(event.node)}`, wanted);
      const body = event.payload ? schemas.typeOf(event.payload) : 'unknown';
      aliases.push(`${jsdoc(messageDoc(event))}export type ${typeName} = ${body};\n`);
    }
    const lower = typeName[0]!.toLowerCase() + typeName.slice(1);
    names.set(event, { typeName, schemaConst: `${lower}Schema`, validator: `validate${typeName}` });
  }
  const declarations = new Map<string, string>();
  for (let pending = schemas.declarations(); pending.length > 0; ) {
    for (const named of pending) declarations.set(named.name, schemas.declaration(named));
    pending = schemas.declarations().filter((n) => !declarations.has(n.name));
  }
  const jsonSchemas = model.events.map((event) => (event.payload ? schemas.jsonSchema(event.payload) : {}));
  const byType = groupByType(model.events);

  const types = [
    head,
    ...[...declarations.keys()].sort().map((k) => declarations.get(k)!),
    ...aliases,
    '/** Every event type with the payload type of each major version; drives the typed runtime API. A type alias, not an interface, so it satisfies index-signature constraints. */',
    'export type EventMap = {',
    ...[...byType].map(([type, versions]) =>
      [
        `  ${JSON.stringify(type)}: {`,
        `    latest: ${versions[versions.length - 1]!.version};`,
        '    versions: {',
        ...versions.map((e) => `      ${e.version}: ${names.get(e)!.typeName};`),
        '    };',
        '  };',
      ].join('\n'),
    ),
    '};',
    '',
  ].join('\n');

  const schemaFile = [
    head,
    ...model.events.map(
      (event, i) =>
        `/** JSON Schema (draft-07) of ${event.type} v${event.version}. */\nexport const ${names.get(event)!.schemaConst} = ${indent(literal(jsonSchemas[i]), '')} as const;\n`,
    ),
  ].join('\n');

  const validators = emitValidators(
    head,
    model.events.map((event, i) => ({ exportName: names.get(event)!.validator, schema: jsonSchemas[i]! })),
  );

  const entry = (event: EventVersionModel): string => {
    const n = names.get(event)!;
    const fields: Record<string, unknown> = {
      type: event.type,
      version: event.version,
      name: event.name,
      typeName: n.typeName,
      ...(event.summary !== undefined && { summary: event.summary }),
      ...(event.description !== undefined && { description: event.description }),
      deprecated: event.deprecated,
      channel: event.channel.address,
      contentType: event.contentType,
      dataschema: `urn:humangov:event:${event.type}:v${event.version}`,
      ...(event.partitionKey !== undefined && { partitionKey: event.partitionKey }),
      ...(event.channel.kafka && { kafka: event.channel.kafka }),
      ...(event.channel.amqp && { amqp: event.channel.amqp }),
      producers: event.producers,
      consumers: event.consumers,
      pii: event.payload ? schemas.piiPaths(event.payload) : [],
      examples: event.examples.map((e) => e.value),
    };
    const body = Object.entries(fields).map(([k, v]) => `        ${k}: ${indent(literal(v), '        ')},`);
    return [
      `      ${event.version}: {`,
      ...body,
      `        schema: ${n.schemaConst},`,
      `        validate: ${n.validator},`,
      '      },',
    ].join('\n');
  };
  const all = model.events.map((e) => names.get(e)!);
  const catalog = [
    head,
    `import { ${all.map((n) => n.schemaConst).join(', ')} } from './schemas.js';`,
    `import { ${all.map((n) => n.validator).join(', ')} } from './validators.js';`,
    '',
    '/**',
    ' * Every event type, version by version: channel, bindings, producers, consumers, personal-data fields,',
    ' * examples, JSON Schema and precompiled validator.',
    ' */',
    'export const catalog = {',
    ...[...byType].map(([type, versions]) =>
      [
        `  ${JSON.stringify(type)}: {`,
        `    type: ${JSON.stringify(type)},`,
        `    latest: ${versions[versions.length - 1]!.version},`,
        '    versions: {',
        ...versions.map(entry),
        '    },',
        '  },',
      ].join('\n'),
    ),
    '} as const;',
    '',
  ].join('\n');
  const emptyImports = all.length === 0;

  const typeNames = [...new Set([...declarations.keys(), ...all.map((n) => n.typeName)])].sort();
  const index = [
    head,
    `export type { ${[...typeNames, 'EventMap'].join(', ')} } from './types.js';`,
    "export type { ValidationError, Validator } from './validators.js';",
    "export { catalog } from './catalog.js';",
    '',
  ].join('\n');

  return new Map([
    ['types.ts', types],
    ['schemas.ts', schemaFile],
    ['validators.ts', validators],
    ['catalog.ts', emptyImports ? catalog.replace(/^import .*\n/gm, '') : catalog],
    ['index.ts', index],
  ]);
}

function messageDoc(event: EventVersionModel): string[] {
  return [
    `${event.type} v${event.version}${event.summary ? `: ${event.summary}` : ''}`,
    ...(event.description ? ['', event.description.trim()] : []),
    ...(event.deprecated ? ['@deprecated'] : []),
  ];
}

function groupByType(events: readonly EventVersionModel[]): Map<string, EventVersionModel[]> {
  const map = new Map<string, EventVersionModel[]>();
  for (const event of events) {
    if (!map.has(event.type)) map.set(event.type, []);
    map.get(event.type)!.push(event);
  }
  return map;
}

const indent = (text: string, pad: string): string => text.replace(/\n/g, `\n${pad}`);

/** JSON as a TS object literal. A `"__proto__":` key would set the prototype instead of a property, so it is computed. */
const literal = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(/^(\s*)"__proto__":/gm, '$1["__proto__"]:');
