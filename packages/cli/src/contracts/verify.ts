/**
 * `humangov contracts verify` as a function: every interaction of every pact against its provider's spec.
 * Pure apart from reading files; the command prints the result.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isPactFileError, type Pact, type PactInteraction, readPact } from '@humangov/testing';
import { type ContractFinding, displayPath, type Problem, specLocation } from './finding.js';
import { checkHttp } from './http-check.js';
import { checkMessage } from './message-check.js';
import { SchemaChecker } from './schema-check.js';
import { type SpecDocument, SpecIndex } from './spec-index.js';

export interface VerifyOptions {
  /** Pact files, or folders searched (recursively) for `*.json` files. */
  readonly pacts: readonly string[];
  /** AsyncAPI documents (files), one per service. */
  readonly asyncapi: readonly string[];
  /** OpenAPI documents (files). */
  readonly openapi: readonly string[];
  /** Files in findings are shown relative to this folder. @default process.cwd() */
  readonly cwd?: string;
}

export interface VerifyResult {
  /** The pact files found, sorted. */
  readonly files: readonly string[];
  /** Interactions read, over all pacts. */
  readonly interactions: number;
  /** Empty when every pact asks only for what its provider's spec promises. */
  readonly findings: readonly ContractFinding[];
}

/** The `*.json` files of the given files and folders (folders recursively), sorted; missing paths give none. */
export function findPactFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (path: string, top: boolean) => {
    let isDir: boolean;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      return;
    }
    if (isDir) {
      for (const name of readdirSync(path)) {
        if (name === 'node_modules' || name.startsWith('.')) continue;
        visit(join(path, name), false);
      }
    } else if (top || path.endsWith('.json')) found.add(path);
  };
  for (const path of paths) visit(resolve(path), true);
  return [...found].sort();
}

/** Checks every pact against the specs; see the command's help for what is checked. */
export function verifyContracts(options: VerifyOptions): VerifyResult {
  const cwd = options.cwd ?? process.cwd();
  const files = findPactFiles(options.pacts.map((p) => resolve(cwd, p)));
  const findings: ContractFinding[] = [];
  let interactions = 0;
  if (files.length === 0) return { files, interactions, findings };
  const index = new SpecIndex(options.asyncapi, options.openapi);
  const checker = new SchemaChecker(index);
  for (const file of files) {
    const shown = displayPath(file, cwd);
    let pact: Pact;
    try {
      pact = readPact(file, { file: shown });
    } catch (error) {
      if (!isPactFileError(error)) throw error;
      findings.push({
        pact: shown,
        interaction: '-',
        path: error.path,
        spec: '-',
        message: `${error.problem}: fix the pact file, or write it again with the Pact helpers`,
      });
      continue;
    }
    interactions += pact.interactions.length;
    const asyncDoc = index.asyncService(pact.provider);
    const httpDoc = index.openApiDocument(pact.provider);
    const report = (interaction: string, problems: readonly Problem[]) => {
      for (const p of problems) {
        findings.push({ pact: shown, interaction, path: p.path, spec: specLocation(p.at, cwd), message: p.message });
      }
    };
    if (!asyncDoc && !httpDoc) {
      report('*', [{ path: '$.provider.name', at: undefined, message: unknownProvider(pact.provider, index) }]);
      continue;
    }
    const names = label(pact.interactions);
    pact.interactions.forEach((interaction, i) => {
      report(names[i]!, checkInteraction(index, checker, pact.provider, interaction, asyncDoc, httpDoc));
    });
    const docs = [asyncDoc?.file, httpDoc?.file].filter((f): f is string => f !== undefined);
    report(
      '*',
      index.errorsIn(docs).map((d) => ({
        path: '$',
        at: { file: d.file, path: d.path.split('/').slice(1) },
        message: `the provider's spec has an error (${d.rule}: ${d.message}): fix the spec first (humangov lint)`,
      })),
    );
  }
  return { files, interactions, findings };
}

function checkInteraction(
  index: SpecIndex,
  checker: SchemaChecker,
  provider: string,
  interaction: PactInteraction,
  asyncDoc: SpecDocument | undefined,
  httpDoc: SpecDocument | undefined,
): Problem[] {
  switch (interaction.kind) {
    case 'message':
      if (asyncDoc) return checkMessage(index, checker, asyncDoc, interaction, '$');
      return [
        {
          path: '$',
          at: httpDoc?.root,
          message: `"${provider}" has an OpenAPI document but no AsyncAPI document, so it publishes no messages: write this interaction as an HTTP interaction, or add the provider's AsyncAPI document`,
        },
      ];
    case 'http':
      if (httpDoc) return checkHttp(index, checker, httpDoc, interaction);
      return [
        {
          path: '$',
          at: asyncDoc?.root,
          message: `"${provider}" has an AsyncAPI document but no OpenAPI document, so it serves no HTTP requests: write this interaction as a message, or add the provider's OpenAPI document`,
        },
      ];
    case 'synchronous-message':
      return [
        {
          path: '$',
          at: undefined,
          message:
            'synchronous (request/reply) message interactions are not checked against AsyncAPI yet: use asynchronous messages, one interaction per event',
        },
      ];
  }
}

function unknownProvider(provider: string, index: SpecIndex): string {
  const list = (docs: readonly SpecDocument[]) => docs.map((d) => d.name).join(', ') || 'none';
  return `no spec describes provider "${provider}" (AsyncAPI services: ${list(index.asyncapi)}; OpenAPI APIs: ${list(index.openapi)}): name the provider after one of them, or add its spec (humangov.config.json, --asyncapi, --openapi)`;
}

/** Descriptions, with the provider states added where two interactions share a description. */
function label(interactions: readonly PactInteraction[]): string[] {
  const counts = new Map<string, number>();
  for (const i of interactions) counts.set(i.description, (counts.get(i.description) ?? 0) + 1);
  return interactions.map((i) => {
    if ((counts.get(i.description) ?? 0) < 2 || i.providerStates.length === 0) return i.description;
    return `${i.description} (given ${i.providerStates.map((s) => s.name).join(', ')})`;
  });
}
