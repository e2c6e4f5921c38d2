/**
 * The entitlement rules of the example: a flat rate per benefit, paid at the benefit's frequency. Real rules
 * depend on household and income (held by eligibility and the registry); the saga step is what the example shows.
 */
import type { BenefitType } from './model.js';

export interface Entitlement {
  readonly amount: string;
  readonly currency: string;
  readonly frequency: 'weekly' | 'fortnightly' | 'four-weekly' | 'monthly';
}

/** Rule set of the calculation when the determination names none. */
export const RULE_SET_VERSION = '2025.4.0';

const rates: Record<BenefitType, Entitlement> = {
  'jobseeker-support': { amount: '184.20', currency: 'GBP', frequency: 'fortnightly' },
  'housing-support': { amount: '412.50', currency: 'GBP', frequency: 'monthly' },
  'child-support': { amount: '25.60', currency: 'GBP', frequency: 'weekly' },
  'disability-support': { amount: '372.80', currency: 'GBP', frequency: 'four-weekly' },
  'carer-support': { amount: '81.90', currency: 'GBP', frequency: 'weekly' },
};

/** The amount payable per period for `benefit`. Pure: a re-run step computes the same entitlement. */
export function entitlementFor(benefit: BenefitType): Entitlement {
  return rates[benefit];
}
