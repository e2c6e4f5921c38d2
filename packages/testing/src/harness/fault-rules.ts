/**
 * The rule table of the fault-injecting transport: which fault a message gets, decided by rules in order, with a
 * seeded pseudo-random generator so that a run can be repeated exactly; and the record of what was injected.
 */
import type { TransportMessage } from '@humangov/sdk';

/**
 * The faults an at-least-once broker really produces (none of them loses a confirmed message):
 *
 * Publish side (decided per `publish` call, retries included):
 * - `fail`: the broker refuses the message; nothing is stored and `publish` rejects with a retryable
 *   `PublishError` (code `HUMANGOV_PUBLISH_FAILED`): a broker or connection down before the write.
 * - `lose-confirm`: the message is stored but its confirmation is lost; `publish` rejects with the same retryable
 *   `PublishError`, so a caller that retries publishes it twice (seen when RabbitMQ is killed mid-stream).
 * - `reorder`: the broker accepts the message (`publish` resolves) but consumers see it only after the next
 *   message of another key on its channel (a lagging partition), or after `delayMs` on the clock if none comes.
 *   Order per key is kept: a later message of the same key first releases the held one.
 *
 * Delivery side (decided once per message and consumer group, on its first delivery: `deliveryAttempt` 1):
 * - `drop`: the delivery is lost before the handler sees it (the consumer's connection dropped); the message was
 *   never acked, so the wrapper nacks it and the broker delivers it again.
 * - `duplicate`: the handler runs, but its ack is lost (turned into a nack), so the broker delivers the
 *   message a second time (`deliveryAttempt` 2): what a consumer sees after a rebalance or reconnect.
 * - `delay`: the handler gets the message `delayMs` later on the clock; the messages behind it on its
 *   partition wait too.
 */
export type FaultKind = 'fail' | 'lose-confirm' | 'reorder' | 'drop' | 'duplicate' | 'delay';

/** Where each fault acts. */
export const FAULT_SIDE = {
  fail: 'publish',
  'lose-confirm': 'publish',
  reorder: 'publish',
  drop: 'delivery',
  duplicate: 'delivery',
  delay: 'delivery',
} as const satisfies Record<FaultKind, 'publish' | 'delivery'>;

export type FaultSide = (typeof FAULT_SIDE)[FaultKind];

/** One row of the rule table. A message gets the fault of the first rule that selects it (one fault per side). */
export interface FaultRule {
  readonly fault: FaultKind;
  /**
   * Which messages the rule considers: an event type (the CloudEvents `type` attribute, e.g. `citizen.registered`),
   * a list of them, or a predicate over the transport message. @default every message
   */
  readonly match?: string | readonly string[] | ((message: TransportMessage) => boolean);
  /**
   * Only the nth messages the rule considered (1-based, counted per rule and side), e.g. `[1, 3]`.
   * @default every one
   */
  readonly nth?: number | readonly number[];
  /**
   * Chance that a considered message gets the fault, drawn from the seeded generator (only rules with a
   * probability below 1 draw, so adding a certain rule does not change the draws of the others). @default 1
   */
  readonly probability?: number;
  /** The rule injects at most this many faults. @default Infinity */
  readonly times?: number;
  /** `delay`: how long the delivery waits; `reorder`: longest a message is held back. On the clock. @default 100 */
  readonly delayMs?: number;
}

/** One injected fault, in the order they were injected. */
export interface InjectedFault {
  readonly fault: FaultKind;
  /** Index of the rule in `rules`. */
  readonly rule: number;
  readonly channel: string;
  readonly key?: string;
  /** The CloudEvents `id` and `type` attributes, when the message has them. */
  readonly id?: string;
  readonly type?: string;
  /** Consumer group (delivery-side faults). */
  readonly group?: string;
}

/** Counters: faults injected by kind, and what the wrapper saw. */
export interface FaultStats {
  readonly injected: Readonly<Record<FaultKind, number>>;
  /** `publish` calls. */
  readonly publishes: number;
  /** First deliveries considered for delivery-side faults. */
  readonly deliveries: number;
}

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Checks a rule table; a TypeError that names the rule and says what to fix. */
export function checkRules(rules: readonly FaultRule[]): void {
  rules.forEach((rule, i) => {
    const where = `faults: rule ${i} (${String(rule?.fault)})`;
    if (!rule || !Object.hasOwn(FAULT_SIDE, rule.fault))
      throw new TypeError(`${where}: fault must be one of ${Object.keys(FAULT_SIDE).join(', ')}`);
    const p = rule.probability ?? 1;
    if (!(typeof p === 'number' && p >= 0 && p <= 1))
      throw new TypeError(`${where}: probability must be a number from 0 to 1, got ${String(p)}`);
    const nth = rule.nth === undefined ? [] : typeof rule.nth === 'number' ? [rule.nth] : rule.nth;
    if (nth.some((n) => !Number.isSafeInteger(n) || n < 1))
      throw new TypeError(`${where}: nth must hold positive integers (1 is the first message), got ${String(nth)}`);
    const times = rule.times ?? Number.POSITIVE_INFINITY;
    if (!(times >= 0) || (Number.isFinite(times) && !Number.isInteger(times)))
      throw new TypeError(`${where}: times must be a non-negative integer, got ${String(rule.times)}`);
    const delayMs = rule.delayMs ?? 0;
    if (!(Number.isFinite(delayMs) && delayMs >= 0))
      throw new TypeError(`${where}: delayMs must be a finite number of milliseconds >= 0, got ${String(delayMs)}`);
    const match = rule.match;
    if (match !== undefined && typeof match !== 'string' && typeof match !== 'function' && !Array.isArray(match))
      throw new TypeError(`${where}: match must be an event type, a list of them, or a predicate`);
  });
}

/** The decisions and the record: one per faulty transport. */
export interface FaultBook {
  /** The rule selecting `message` on `side`, recorded as injected; undefined when none does (or healed). */
  decide(side: FaultSide, message: TransportMessage, group?: string): { readonly rule: FaultRule } | undefined;
  heal(): void;
  readonly healed: boolean;
  readonly stats: FaultStats;
  readonly log: readonly InjectedFault[];
}

export function createFaultBook(rules: readonly FaultRule[], seed: number): FaultBook {
  checkRules(rules);
  const random = seededRandom(seed);
  const considered = rules.map(() => 0);
  const injectedBy = rules.map(() => 0);
  const injected: Record<FaultKind, number> = {
    fail: 0,
    'lose-confirm': 0,
    reorder: 0,
    drop: 0,
    duplicate: 0,
    delay: 0,
  };
  const seen = { publish: 0, delivery: 0 };
  const log: InjectedFault[] = [];
  let healed = false;

  const matches = (rule: FaultRule, message: TransportMessage): boolean => {
    const { match } = rule;
    if (match === undefined) return true;
    if (typeof match === 'function') return match(message);
    const type = message.attributes.type;
    return typeof match === 'string' ? type === match : type !== undefined && match.includes(type);
  };

  const book: FaultBook = {
    decide(side, message, group) {
      seen[side]++;
      if (healed) return undefined;
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]!;
        if (FAULT_SIDE[rule.fault] !== side || !matches(rule, message)) continue;
        const n = ++considered[i]!;
        if (rule.nth !== undefined && !(typeof rule.nth === 'number' ? [rule.nth] : rule.nth).includes(n)) continue;
        if (injectedBy[i]! >= (rule.times ?? Number.POSITIVE_INFINITY)) continue;
        const probability = rule.probability ?? 1;
        if (probability < 1 && random() >= probability) continue;
        injectedBy[i]!++;
        injected[rule.fault]++;
        const { id, type } = message.attributes;
        log.push({
          fault: rule.fault,
          rule: i,
          channel: message.channel,
          ...(message.key !== undefined && { key: message.key }),
          ...(id !== undefined && { id }),
          ...(type !== undefined && { type }),
          ...(group !== undefined && { group }),
        });
        return { rule };
      }
      return undefined;
    },
    heal() {
      healed = true;
    },
    get healed() {
      return healed;
    },
    get stats() {
      return { injected: { ...injected }, publishes: seen.publish, deliveries: seen.delivery };
    },
    log,
  };
  return book;
}
