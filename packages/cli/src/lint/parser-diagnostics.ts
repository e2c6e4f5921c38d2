/** The AsyncAPI parser's own validation (JSON Schema of the spec + its Spectral rules), as our diagnostics. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fromFile, Parser } from '@asyncapi/parser';
import type { Diagnostic, Severity } from '../diagnostics.js';
import { toPointer } from '../diagnostics.js';

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'info'];
let parser: Parser | undefined;

/** Parser diagnostics of one document; a file that cannot be read is itself a diagnostic. */
export async function validateWithParser(file: string): Promise<Diagnostic[]> {
  const abs = resolve(file);
  try {
    readFileSync(abs);
  } catch {
    return [{ file: abs, path: '', line: 1, col: 1, severity: 'error', rule: 'file', message: 'file not found' }];
  }
  parser ??= new Parser();
  try {
    const { diagnostics } = await fromFile(parser, abs).parse();
    return diagnostics.map((d) => ({
      file: typeof d.source === 'string' && d.source ? resolve(d.source) : abs,
      path: toPointer(d.path.map(String)),
      line: d.range.start.line + 1,
      col: d.range.start.character + 1,
      severity: SEVERITIES[d.severity] ?? 'info',
      rule: `asyncapi/${String(d.code)}`,
      message: d.message,
    }));
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    return [{ file: abs, path: '', line: 1, col: 1, severity: 'error', rule: 'asyncapi/parser', message }];
  }
}
