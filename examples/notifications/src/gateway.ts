/**
 * A simulated delivery gateway (email, SMS, letter): fails while an outage is on, and otherwise fails a seeded
 * share of sends (a flaky provider). Idempotent by notification id: a re-sent notification keeps its first
 * provider reference and is delivered once.
 */
export interface DeliveryGateway {
  send(notificationId: string, channel: string): Promise<string>;
}

export interface SimulatedDeliveryGateway extends DeliveryGateway {
  outage(on: boolean): void;
  /** Sends attempted, and notifications delivered (each once). */
  readonly stats: { readonly attempts: number; readonly delivered: number };
}

export class DeliveryFailedError extends Error {
  override readonly name = 'DeliveryFailedError';
  readonly code = 'DELIVERY_FAILED';
}

export function createSimulatedDeliveryGateway(
  options: { readonly failureRate?: number; readonly seed?: number } = {},
): SimulatedDeliveryGateway {
  const failureRate = options.failureRate ?? 0.1;
  let seed = options.seed ?? 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const delivered = new Map<string, string>();
  let down = false;
  const stats = { attempts: 0, delivered: 0 };
  return {
    stats,
    outage(on) {
      down = on;
    },
    async send(notificationId, channel) {
      stats.attempts++;
      await new Promise((resolve) => setTimeout(resolve, 1));
      const known = delivered.get(notificationId);
      if (known) return known;
      if (down) throw new DeliveryFailedError(`${channel} gateway unavailable`);
      if (random() < failureRate) throw new DeliveryFailedError(`${channel} provider refused the message`);
      const reference = `msg-${String(delivered.size + 1).padStart(6, '0')}`;
      delivered.set(notificationId, reference);
      stats.delivered++;
      return reference;
    },
  };
}
