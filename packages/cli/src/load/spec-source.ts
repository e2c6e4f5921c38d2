import { readFileSync } from 'node:fs';
import { type Document, LineCounter, parseDocument } from 'yaml';
import { type Diagnostic, type Severity, toPointer } from '../diagnostics.js';

/** A loaded YAML or JSON file: its value, plus enough of its syntax tree to tell the line of any JSON path. */
export interface SpecSource {
  readonly file: string;
  readonly value: unknown;
  /** 1-based line and column of the node at `path` (or of its nearest existing ancestor). */
  locate(path: readonly (string | number)[]): { line: number; col: number };
  /** A diagnostic anchored at `path` in this file. */
  diagnostic(path: readonly (string | number)[], severity: Severity, rule: string, message: string): Diagnostic;
}

/** Parses YAML (JSON is YAML) text; syntax errors become diagnostics, never exceptions. */
export function parseSource(file: string, text: string): { source?: SpecSource; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, merge: false });
  const source = makeSource(file, doc, lineCounter);
  const diagnostics = doc.errors.map((e): Diagnostic => {
    const pos = lineCounter.linePos(e.pos[0]);
    return { file, path: '', line: pos.line, col: pos.col, severity: 'error', rule: 'yaml-syntax', message: e.message };
  });
  if (diagnostics.length > 0) return { diagnostics };
  return { source, diagnostics };
}

/** Reads and parses a file; an unreadable file is a diagnostic. */
export function loadSource(file: string): { source?: SpecSource; diagnostics: Diagnostic[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    return { diagnostics: [{ file, path: '', line: 1, col: 1, severity: 'error', rule: 'file', message: reason }] };
  }
  return parseSource(file, text);
}

function makeSource(file: string, doc: Document, lineCounter: LineCounter): SpecSource {
  const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  const locate = (path: readonly (string | number)[]) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]);
    }
    return { line: 1, col: 1 };
  };
  return {
    file,
    value,
    locate,
    diagnostic(path, severity, rule, message) {
      return { file, path: toPointer(path), ...locate(path), severity, rule, message };
    },
  };
}
