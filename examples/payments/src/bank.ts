/**
 * A simulated bank gateway: answers after `latencyMs`, fails every call while an outage is on, and is idempotent
 * by payment id (a retried transfer returns the first one's reference, as real payment rails do with a unique
 * end-to-end id). The demo switches outages on and off.
 */
export interface BankGateway {
  /** Transfers `amountMinor` for `paymentId`; resolves with the bank reference. Honours `signal`. */
  transfer(paymentId: string, amountMinor: number, signal?: AbortSignal): Promise<string>;
}

export interface SimulatedBank extends BankGateway {
  /** While on, every transfer fails with `BankUnavailableError` (after the latency). */
  outage(on: boolean): void;
  /** Transfers attempted (calls that reached the bank) and completed. */
  readonly stats: { readonly calls: number; readonly completed: number };
}

export class BankUnavailableError extends Error {
  override readonly name = 'BankUnavailableError';
  readonly code = 'BANK_UNAVAILABLE';
  readonly retryable = true;
}

export function createSimulatedBank(options: { readonly latencyMs?: number } = {}): SimulatedBank {
  const latencyMs = options.latencyMs ?? 5;
  const references = new Map<string, string>();
  let down = false;
  const stats = { calls: 0, completed: 0 };
  return {
    stats,
    outage(on) {
      down = on;
    },
    async transfer(paymentId, _amountMinor, signal) {
      stats.calls++;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, latencyMs);
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      if (down) throw new BankUnavailableError('bank gateway unavailable');
      let reference = references.get(paymentId);
      if (!reference) {
        reference = `FPS-${String(references.size + 1).padStart(6, '0')}`;
        references.set(paymentId, reference);
      }
      stats.completed++;
      return reference;
    },
  };
}
