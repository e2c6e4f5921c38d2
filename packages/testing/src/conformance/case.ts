import type { CaseContext, TransportConformanceFeatures } from './context.js';

/** One conformance case: what it checks, when it does not apply, and the check. */
export interface ConformanceCase {
  readonly title: string;
  /** Why the case does not apply to a transport with `features` (a skip reason), or undefined when it does. */
  readonly skip: (features: TransportConformanceFeatures, name: string) => string | undefined;
  readonly run: (context: CaseContext) => Promise<void>;
}

/** A skip rule for cases that need every one of `features`. */
export const needs =
  (...features: readonly (keyof Omit<TransportConformanceFeatures, 'largePayloadBytes'>)[]) =>
  (given: TransportConformanceFeatures, name: string): string | undefined => {
    const off = features.filter((feature) => !given[feature]);
    return off.length === 0 ? undefined : `feature off: ${name} does not promise ${off.join(', ')}`;
  };

export const always = (): undefined => undefined;
