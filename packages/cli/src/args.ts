/** A tiny argv reader: `--flag`, `--opt value`, `--list a b c` (a list flag takes values up to the next flag). */
export interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Set<string>;
  readonly values: Map<string, string[]>;
}

export class UsageError extends Error {
  readonly code = 'HUMANGOV_USAGE';
}

export function parseArgs(
  argv: readonly string[],
  spec: { readonly flags?: readonly string[]; readonly lists?: readonly string[]; readonly values?: readonly string[] },
): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags?.includes(name)) flags.add(name);
    else if (spec.lists?.includes(name) || spec.values?.includes(name)) {
      const taken = values.get(name) ?? [];
      if (inline !== undefined) taken.push(inline);
      else if (spec.values?.includes(name)) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`--${name} needs a value`);
        taken.push(next);
        i++;
      } else while (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) taken.push(argv[++i]!);
      if (taken.length === 0) throw new UsageError(`--${name} needs at least one file`);
      values.set(name, taken);
    } else throw new UsageError(`unknown option --${name}`);
  }
  return { positionals, flags, values };
}
