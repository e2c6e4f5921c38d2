/**
 * Turns what the Pact verifier reports (the JSON of pact-core's `verifyPacts` rejection) into
 * `PactVerificationError` failures that name the interaction, the field and the fix.
 */
import { type PactProblem, PactVerificationError, type PactVerificationFailure } from '../errors.js';

interface Mismatch {
  readonly type?: string;
  readonly path?: string;
  readonly key?: string;
  readonly mismatch?: string;
  readonly expected?: unknown;
  readonly actual?: unknown;
}

interface ReportError {
  readonly interaction?: string;
  readonly mismatch?: { readonly type?: string; readonly message?: string; readonly mismatches?: readonly Mismatch[] };
}

/** Problems the helper itself saw for an interaction (a missing producer, a producer that threw...), by description. */
export type KnownProblems = ReadonlyMap<string, { readonly problems: readonly PactProblem[]; readonly fix: string }>;

// biome-ignore lint/suspicious/noControlCharactersInRegex: the verifier colours its text with ANSI escapes
const ANSI = /\u001b\[[0-9;]*m/g;
const plain = (text: string) => text.replace(ANSI, '');

function problemOf(mismatch: Mismatch): PactProblem {
  const message = plain(mismatch.mismatch ?? JSON.stringify(mismatch));
  switch (mismatch.type) {
    case 'MetadataMismatch':
      return { path: `metadata ${mismatch.key ?? ''}`.trim(), message };
    case 'HeaderMismatch':
      return { path: `header ${mismatch.key ?? ''}`.trim(), message };
    case 'StatusMismatch':
      return { path: 'status', message };
    case 'QueryMismatch':
      return { path: `query ${mismatch.key ?? mismatch.path ?? ''}`.trim(), message };
    default:
      return { path: mismatch.path ?? '', message };
  }
}

/** Reads the verifier's JSON report out of its rejection; undefined when the rejection carries none. */
function reportOf(error: unknown): { readonly errors?: readonly ReportError[] } | undefined {
  const text = error instanceof Error ? error.message : typeof error === 'string' ? error : undefined;
  if (text === undefined || !text.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(text) as { errors?: readonly ReportError[] };
  } catch {
    return undefined;
  }
}

/**
 * The `PactVerificationError` for a failed verification of `provider`. `known` holds what the helper learnt while
 * producing messages or setting up states, which explains a failure better than the verifier's "500" does.
 * `fix` is the advice for mismatches the helper did not explain. A rejection without a report becomes one failure
 * carrying the verifier's own message.
 */
export function verificationError(
  provider: string,
  error: unknown,
  known: KnownProblems,
  fix: (interaction: string) => string,
): PactVerificationError {
  const report = reportOf(error);
  if (!report?.errors?.length) {
    const message = error instanceof Error ? error.message : String(error);
    const failures: PactVerificationFailure[] = [...known].map(([interaction, k]) => ({ interaction, ...k }));
    if (failures.length === 0) {
      failures.push({
        interaction: '(verification)',
        problems: [{ path: '', message: plain(message) }],
        fix: 'see the verifier output above; check the pact files and that the provider is reachable',
      });
    }
    return new PactVerificationError({ provider, failures }, { cause: error });
  }
  const failures = report.errors.map((entry): PactVerificationFailure => {
    const interaction = plain(entry.interaction ?? '(unnamed interaction)');
    const ours = [...known].find(([description]) => interaction.endsWith(` - ${description}`));
    if (ours) return { interaction, ...ours[1] };
    const problems =
      entry.mismatch?.mismatches?.map(problemOf) ??
      (entry.mismatch?.message ? [{ path: '', message: plain(entry.mismatch.message) }] : []);
    return { interaction, problems, fix: fix(interaction) };
  });
  return new PactVerificationError({ provider, failures }, { cause: error });
}

/** The consumer named in the verifier's interaction label ("Verifying a pact between <c> and <p> ..."). */
export function consumerOf(interaction: string): string {
  return /between (.+?) and /.exec(interaction)?.[1] ?? 'the consumer';
}
