/** OpenAPI 3.x documents -> openapi-typescript `paths` types, one module per document, plus an index. */
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import type { Diagnostic } from '../diagnostics.js';
import { pascalCase } from '../transform/names.js';

/** `citizen-registry.openapi.yaml` -> `citizen-registry`. */
export const moduleName = (file: string): string =>
  basename(file)
    .replace(/\.(openapi\.)?(ya?ml|json)$/i, '')
    .replace(/[^A-Za-z0-9._-]/g, '-');

export async function emitHttpModules(
  files: readonly string[],
  head: (sources: string[]) => string,
  diagnostics: Diagnostic[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const exports: string[] = [];
  for (const file of files) {
    const name = moduleName(file);
    try {
      const ast = await openapiTS(pathToFileURL(file), { silent: true, alphabetize: false });
      out.set(`${name}.ts`, head([basename(file)]) + astToString(ast));
      const prefix = pascalCase(name);
      exports.push(
        `export type { components as ${prefix}Components, operations as ${prefix}Operations, paths as ${prefix}Paths } from './${name}.js';`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      diagnostics.push({ file, path: '', line: 1, col: 1, severity: 'error', rule: 'openapi', message });
    }
  }
  if (exports.length > 0) out.set('index.ts', head([]) + exports.join('\n') + '\n');
  return out;
}
