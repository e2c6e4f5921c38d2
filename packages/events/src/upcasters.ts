/**
 * The HumanGov upcasters: how an old major version of an event reaches code that asks for the new one.
 * `defineUpcasters<EventMap>()` makes a missing step a compile error, so adding a v3 to the specs fails the build
 * here until its upcaster is written.
 */
import type { EventMap, Money, MoneyMinor } from './generated/index.js';
import { defineUpcasters } from './upcast.js';
import { dateOf, splitFullName, toMinorUnits } from './upcast-rules.js';

const minor = (money: Money): MoneyMinor => ({
  amount_minor: toMinorUnits(money.amount, money.currency),
  currency: money.currency,
});

export const upcasters = defineUpcasters<EventMap>()({
  // v2 splits the one-string `name` (a restructuring); see splitFullName for one-word names.
  'citizen.registered': {
    1: ({ name, ...rest }) => ({ ...rest, ...splitFullName(name) }),
  },
  // v2 adds a required `effective_date`; a v1 change took effect when it was recorded, i.e. on the event's date.
  'citizen.circumstances-changed': {
    1: (data, event) => ({ ...data, effective_date: dateOf(event.time) }),
  },
  // v2 carries integer minor units instead of a decimal string (a type change); exact, never rounded.
  'payment.scheduled': {
    1: (data) => ({ ...data, amount: minor(data.amount) }),
  },
  'payment.disbursed': {
    1: (data) => ({ ...data, amount: minor(data.amount) }),
  },
});
