/** Where `humangov` finds specs and writes code when no files are named: `humangov.config.json` in the cwd. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Config {
  /** AsyncAPI files or folders (a folder means its `*.asyncapi.yaml|yml|json` files). */
  readonly asyncapi: readonly string[];
  /** OpenAPI files or folders (a folder means its `*.openapi.yaml|yml|json` files). */
  readonly openapi: readonly string[];
  /** Output folder of the events module set. */
  readonly eventsOut: string;
  /** Output folder of the HTTP types. */
  readonly httpOut: string;
}

export const CONFIG_FILE = 'humangov.config.json';

export function loadConfig(cwd: string): Config | undefined {
  let text: string;
  try {
    text = readFileSync(join(cwd, CONFIG_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const raw = JSON.parse(text) as Partial<Config>;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  return {
    asyncapi: list(raw.asyncapi).map((p) => resolve(cwd, p)),
    openapi: list(raw.openapi).map((p) => resolve(cwd, p)),
    eventsOut: resolve(cwd, raw.eventsOut ?? 'src/generated'),
    httpOut: resolve(cwd, raw.httpOut ?? 'src/generated/http'),
  };
}

/** Files named directly, plus the matching files of named folders, sorted (so output never depends on fs order). */
export function expandSpecs(paths: readonly string[], kind: 'asyncapi' | 'openapi'): string[] {
  const pattern = new RegExp(`\\.${kind}\\.(ya?ml|json)$`, 'i');
  return paths
    .flatMap((p) => {
      const abs = resolve(p);
      let isDir = false;
      try {
        isDir = statSync(abs).isDirectory();
      } catch {
        // A missing file is reported by the loader with its name.
      }
      return isDir
        ? readdirSync(abs)
            .filter((f) => pattern.test(f))
            .map((f) => join(abs, f))
        : [abs];
    })
    .sort();
}
