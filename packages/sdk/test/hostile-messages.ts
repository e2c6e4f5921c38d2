/**
 * The hostile messages every consumer must dead-letter without calling a handler: raw bytes as an attacker or a
 * broken producer would publish them, with the dead-letter reason the router must give. Shared by the router's
 * unit test (memory transport) and the integration test on the real brokers.
 */
import { catalog } from '@humangov/events';

const registered = catalog['citizen.registered'].versions[2].examples[0]!;
const encode = (text: string): Buffer => Buffer.from(text, 'utf8');

const attributes = (type: string, version: number): Record<string, string> => ({
  specversion: '1.0',
  id: crypto.randomUUID(),
  source: '/hostile',
  type,
  version: String(version),
  time: new Date().toISOString(),
});

export interface Hostile {
  readonly label: string;
  /** CloudEvents attributes; `undefined` = no CloudEvents headers (and no content type) at all. */
  readonly attributes: Record<string, string> | undefined;
  readonly body: Buffer;
  readonly reason: string;
}

export const hostile = (): Hostile[] => [
  {
    label: 'random bytes',
    attributes: attributes('citizen.registered', 2),
    body: Buffer.from([0xff, 0xfe, 0x00, 0x9c, 0x80, 0x7b]),
    reason: 'undecodable',
  },
  {
    label: 'truncated JSON',
    attributes: attributes('citizen.registered', 2),
    body: encode('{"citizen_id": "0b7c'),
    reason: 'undecodable',
  },
  {
    label: 'wrong schema',
    attributes: attributes('citizen.registered', 2),
    body: encode(JSON.stringify({ ...registered, given_name: 42 })),
    reason: 'invalid',
  },
  {
    label: '2 MiB payload',
    attributes: attributes('citizen.registered', 2),
    body: encode(`{"x":"${'a'.repeat(2 * 1024 * 1024)}"}`),
    reason: 'undecodable',
  },
  {
    label: '__proto__ keys',
    attributes: attributes('citizen.registered', 2),
    body: encode(
      `{"__proto__":{"polluted":true},"citizen_id":"${registered.citizen_id}","address":{"__proto__":{"polluted":1}}}`,
    ),
    reason: 'undecodable',
  },
  {
    label: 'unknown event type',
    attributes: attributes('citizen.teleported', 1),
    body: encode('{}'),
    reason: 'unknown-type',
  },
  {
    label: 'no CloudEvents headers',
    attributes: undefined,
    body: encode(JSON.stringify(registered)),
    reason: 'undecodable',
  },
];
