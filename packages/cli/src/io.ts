/** Where a command writes; injected so tests read what a user would see. */
export interface Io {
  readonly cwd: string;
  out(text: string): void;
  err(text: string): void;
}

export const processIo = (): Io => ({
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
});
