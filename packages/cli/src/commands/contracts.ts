import { resolve } from 'node:path';
import { parseArgs, UsageError } from '../args.js';
import { CONFIG_FILE, expandSpecs, loadConfig } from '../config.js';
import { displayPath, formatFinding } from '../contracts/finding.js';
import { findPactFiles, verifyContracts } from '../contracts/verify.js';
import type { Io } from '../io.js';

export const contractsHelp = `humangov contracts verify [--pacts DIR...] [--format text|json] [--require]
                          [--asyncapi FILE...] [--openapi FILE...]

Checks every interaction of every pact against its provider's spec, so a pact cannot ask for something the
spec does not promise. Message pacts are checked against the provider's AsyncAPI document (event type and
version from the CloudEvents metadata, contents against the payload schema, metadata against the CloudEvents
attributes and the message's headers schema); HTTP pacts against the provider's OpenAPI document (path,
method, parameters, request body, status, response headers and body). A field the schema does not declare,
a value outside an enum, pattern or type, an undeclared status or an unknown path fails. Under a \`type\`
matcher only the example's type is checked.

One line per problem:
  <pact file> :: <interaction> :: <json path> :: <spec file>#<json pointer> :: <what is wrong and what to fix>

Options:
  --pacts DIR...     pact files or folders (searched for *.json)          default: pacts
  --format FORMAT    text, or json (one object: files, interactions, findings)  default: text
  --require          exit 1 when no pact is found (default: exit 0 and say so)
  --asyncapi FILE... AsyncAPI documents or folders   default: the asyncapi folders of ${CONFIG_FILE}
  --openapi FILE...  OpenAPI documents or folders    default: the openapi folders of ${CONFIG_FILE}

Exit status: 0 when every pact honours the specs, 1 when one does not (or cannot be read), 2 on a usage error.`;

export async function contractsCommand(argv: readonly string[], io: Io): Promise<number> {
  const args = parseArgs(argv, { flags: ['require'], lists: ['pacts', 'asyncapi', 'openapi'], values: ['format'] });
  const [sub, ...extra] = args.positionals;
  if (sub !== 'verify') {
    throw new UsageError(sub === undefined ? 'name a subcommand: verify' : `unknown subcommand "${sub}": use verify`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}": name pact folders with --pacts`);
  const format = args.values.get('format')?.[0] ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const pacts = args.values.get('pacts') ?? ['pacts'];

  const config = loadConfig(io.cwd);
  const named = (kind: 'asyncapi' | 'openapi') =>
    args.values.get(kind)?.map((f) => resolve(io.cwd, f)) ?? config?.[kind];
  const asyncapi = named('asyncapi');
  const openapi = named('openapi');

  if (findPactFiles(pacts.map((p) => resolve(io.cwd, p))).length === 0) {
    const where = pacts.join(', ');
    const required = args.flags.has('require');
    if (format === 'json') io.out(JSON.stringify({ files: [], interactions: 0, findings: [], ok: !required }, null, 2));
    else io.out(`contracts verify: no pacts found in ${where}${required ? '' : ' (nothing to check)'}`);
    if (!required) return 0;
    io.err(`humangov contracts: --require: no pact files (*.json) in ${where}: run the consumer pact tests first`);
    return 1;
  }
  if (!asyncapi && !openapi) {
    throw new UsageError(`no ${CONFIG_FILE} in ${io.cwd}: name the specs with --asyncapi FILE... --openapi FILE...`);
  }
  const result = verifyContracts({
    pacts,
    asyncapi: asyncapi ? expandSpecs(asyncapi, 'asyncapi') : [],
    openapi: openapi ? expandSpecs(openapi, 'openapi') : [],
    cwd: io.cwd,
  });
  const summary = {
    files: result.files.map((f) => displayPath(f, io.cwd)),
    interactions: result.interactions,
    findings: result.findings,
  };
  if (format === 'json') io.out(JSON.stringify({ ...summary, ok: result.findings.length === 0 }, null, 2));
  else {
    for (const finding of result.findings) io.out(formatFinding(finding));
    const counts = `${result.files.length} pact${result.files.length === 1 ? '' : 's'}, ${result.interactions} interactions`;
    io.out(
      result.findings.length === 0
        ? `contracts verify: ${counts}: every interaction is promised by the specs`
        : `contracts verify: ${counts}: ${result.findings.length} problem${result.findings.length === 1 ? '' : 's'}`,
    );
  }
  return result.findings.length === 0 ? 0 : 1;
}
