/**
 * The specs a verification reads, by the provider names pacts use. Loaded with the generator's loader and `$ref`
 * resolver (`Workspace`) and its schema transform, so a schema means here exactly what it means in `generate`.
 *
 * Provider names: a message pact's provider is an AsyncAPI document whose service name (the last segment of its
 * `id`, `urn:humangov:service:<name>`; else the file name), `x-service` or `info.title` equals it. An HTTP pact's
 * provider is an OpenAPI document whose `x-service` (root or `info`), `info.title` or file name without
 * `.openapi.yaml` equals it. Names compare case-insensitively.
 */
import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { isObject, type Located, Workspace } from '../load/workspace.js';
import { type EventVersionModel, readAsyncApi, serviceName } from '../transform/asyncapi-document.js';
import { NameAllocator } from '../transform/names.js';
import { SchemaTransform } from '../transform/schema-object.js';

/** One spec document and the names a pact may give its provider. */
export interface SpecDocument {
  /** The canonical name (AsyncAPI service name; OpenAPI `x-service`, else file name). */
  readonly name: string;
  readonly file: string;
  readonly root: Located;
  readonly aliases: readonly string[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export class SpecIndex {
  readonly ws = new Workspace();
  readonly schemas = new SchemaTransform(this.ws, new NameAllocator());
  readonly asyncapi: readonly SpecDocument[];
  readonly openapi: readonly SpecDocument[];
  private readonly events = new Map<string, readonly EventVersionModel[]>();

  constructor(asyncapiFiles: readonly string[], openapiFiles: readonly string[]) {
    this.asyncapi = asyncapiFiles.flatMap((file) => {
      const root = this.rootOf(file);
      if (!root) return [];
      const doc = isObject(root.value) ? root.value : {};
      const info = isObject(doc.info) ? doc.info : {};
      const name = serviceName(root.file, doc);
      return [{ name, file: root.file, root, aliases: names(name, doc['x-service'], info['x-service'], info.title) }];
    });
    this.openapi = openapiFiles.flatMap((file) => {
      const root = this.rootOf(file);
      if (!root) return [];
      const doc = isObject(root.value) ? root.value : {};
      const info = isObject(doc.info) ? doc.info : {};
      const stem = basename(root.file).replace(/(\.openapi)?\.(ya?ml|json)$/i, '');
      const name = str(doc['x-service']) ?? str(info['x-service']) ?? stem;
      return [{ name, file: root.file, root, aliases: names(name, info.title, stem) }];
    });
  }

  /** The AsyncAPI document of a provider. */
  asyncService(provider: string): SpecDocument | undefined {
    return find(this.asyncapi, provider);
  }

  /** The OpenAPI document of a provider. */
  openApiDocument(provider: string): SpecDocument | undefined {
    return find(this.openapi, provider);
  }

  /**
   * The message versions one AsyncAPI document declares (its own channels and the channels its operations
   * reference), with the services that send them according to that document's operations.
   */
  eventsOf(service: SpecDocument): readonly EventVersionModel[] {
    let events = this.events.get(service.file);
    if (!events) {
      events = readAsyncApi(this.ws, [service.file]).events;
      this.events.set(service.file, events);
    }
    return events;
  }

  /** Error diagnostics found so far in the given files (unreadable files, broken `$ref`s...), without repeats. */
  errorsIn(files: readonly string[]): Diagnostic[] {
    const seen = new Set<string>();
    return this.ws.diagnostics.filter((d) => {
      const key = `${d.file}#${d.path}:${d.message}`;
      if (d.severity !== 'error' || !files.includes(d.file) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }

  private rootOf(file: string): Located | undefined {
    const source = this.ws.source(file);
    return source && { file: source.file, path: [], value: source.value };
  }
}

function names(...candidates: unknown[]): string[] {
  return [...new Set(candidates.flatMap((c) => str(c) ?? []))];
}

function find(documents: readonly SpecDocument[], provider: string): SpecDocument | undefined {
  const wanted = provider.trim().toLowerCase();
  return documents.find((d) => d.aliases.some((a) => a.toLowerCase() === wanted));
}
