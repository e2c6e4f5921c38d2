/** `payload` + [`address`, `lines`, `[]`, `amount`] -> `payload.address.lines[].amount`. */
export function formatPath(prefix: string, segments: readonly string[]): string {
  let out = prefix;
  for (const segment of segments) out += segment === '[]' ? '[]' : `${out ? '.' : ''}${segment}`;
  return out;
}
