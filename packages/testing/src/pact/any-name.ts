/**
 * An object that has an entry for every name, computed by `answer`: what Pact's verifier wants as a table of
 * producers or state handlers, when the names are only known once the verifier asks (they are in the pacts).
 * Names that serialisation and promise checks probe (`toJSON`, `then`, `Object.prototype` members, symbols) are
 * absent, so the table can be logged or awaited like a plain object.
 */
export function answeringEveryName<T>(answer: (name: string) => T): Readonly<Record<string, T>> {
  return new Proxy({} as Record<string, T>, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'toJSON' || name === 'then' || name in Object.prototype) {
        return undefined;
      }
      return answer(name);
    },
  });
}
