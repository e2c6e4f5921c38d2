// Pure conversions behind the HumanGov upcasters (specs/asyncapi). Kept free of generated types so they are
// tested on their own; `upcasters.ts` wires them to the generated `EventMap` once `src/generated/` exists.

/** ISO 4217 currencies whose minor unit is not 1/100 (exponent 2). Currencies not listed use 2. */
const EXPONENTS: Readonly<Record<string, number>> = {
  ...Object.fromEntries(
    [
      'BIF',
      'CLP',
      'DJF',
      'GNF',
      'ISK',
      'JPY',
      'KMF',
      'KRW',
      'PYG',
      'RWF',
      'UGX',
      'UYI',
      'VND',
      'VUV',
      'XAF',
      'XOF',
      'XPF',
    ].map((code) => [code, 0]),
  ),
  ...Object.fromEntries(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((code) => [code, 3])),
  CLF: 4,
  UYW: 4,
};

/** The ISO 4217 minor-unit exponent of a currency: 0 (JPY, KRW...), 3 (BHD, KWD...), 4 (CLF, UYW), else 2. */
export function minorUnitExponent(currency: string): number {
  return Object.hasOwn(EXPONENTS, currency) ? EXPONENTS[currency]! : 2;
}

const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Converts a v1 decimal amount string in major units (`"412.50"`) to integer minor units of `currency` (41250
 * for GBP), using only string and BigInt arithmetic, so no binary floating point is involved. Throws a
 * `RangeError` when the amount is not a plain non-negative decimal, has non-zero digits below the currency's
 * minor unit (`"1.5"` JPY cannot be represented without rounding, and money is never rounded silently), or
 * exceeds `Number.MAX_SAFE_INTEGER` minor units.
 */
export function toMinorUnits(amount: string, currency: string): number {
  const match = DECIMAL.exec(amount);
  if (!match) throw new RangeError(`amount '${amount}' is not a non-negative decimal string`);
  const exponent = minorUnitExponent(currency);
  const fraction = match[2] ?? '';
  if (/[1-9]/.test(fraction.slice(exponent))) {
    throw new RangeError(`amount '${amount}' has more precision than ${currency} minor units (exponent ${exponent})`);
  }
  const minor = BigInt(match[1]! + fraction.slice(0, exponent).padEnd(exponent, '0'));
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount '${amount}' ${currency} is too large`);
  return Number(minor);
}

/**
 * Splits a v1 full name into v2 `given_name` and `family_name`: whitespace is collapsed, the last word is the
 * family name and the words before it the given names (`"Ada King Lovelace"` -> `"Ada King"` + `"Lovelace"`).
 * A one-word name (a mononym) is, as ICAO 9303 does, the family name; v2 requires a non-empty given name, so
 * the word is repeated there (`"Sukarno"` -> `"Sukarno"` + `"Sukarno"`). Consumers that must tell the two apart
 * compare the fields.
 */
export function splitFullName(name: string): { readonly given_name: string; readonly family_name: string } {
  const words = name
    .trim()
    .split(/\s+/u)
    .filter((word) => word.length > 0);
  const family = words.pop() ?? name;
  return { given_name: words.length > 0 ? words.join(' ') : family, family_name: family };
}

/**
 * The calendar date (`YYYY-MM-DD`) of an RFC 3339 timestamp as the producer wrote it, in the producer's own
 * offset (`2025-04-01T23:30:00-05:00` -> `2025-04-01`), used to fill v2 `effective_date` from the event `time`.
 */
export function dateOf(time: string): string {
  if (!/^\d{4}-\d{2}-\d{2}[Tt]/.test(time)) throw new RangeError(`time '${time}' is not an RFC 3339 timestamp`);
  return time.slice(0, 10);
}
