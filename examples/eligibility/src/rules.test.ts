import { describe, expect, it } from 'vitest';
import { evaluate, incomeLimitMinor, RULE_SET_VERSION, toMinor } from './rules.js';

const base = {
  status: 'unemployed' as const,
  household_size: 3,
  monthly_income: '420.00',
  currency: 'GBP',
  effective_date: '2026-01-01',
};

describe('eligibility rules', () => {
  it('finds a low-income jobseeker eligible, with the rules that passed and the rule-set version', () => {
    const decision = evaluate('jobseeker-support', base);
    expect(decision.outcome).toBe('eligible');
    expect(decision.reasons.map((r) => r.code)).toEqual(['INCOME_WITHIN_THRESHOLD', 'AVAILABLE_FOR_WORK']);
    expect(decision.ruleSetVersion).toBe(RULE_SET_VERSION);
  });

  it('puts the income limit at 1,200 plus 400 per further household member, to the penny', () => {
    expect(incomeLimitMinor(3)).toBe(200_000);
    expect(evaluate('housing-support', { ...base, monthly_income: '2000.00' }).outcome).toBe('eligible');
    const above = evaluate('housing-support', { ...base, monthly_income: '2000.01' });
    expect(above).toMatchObject({
      outcome: 'ineligible',
      reasons: [{ code: 'INCOME_ABOVE_THRESHOLD', rule_id: 'common.income.threshold' }],
    });
    expect(toMinor('1650.5')).toBe(165_050);
  });

  it('applies the benefit-specific rules', () => {
    expect(evaluate('jobseeker-support', { ...base, status: 'student' }).reasons[0]?.code).toBe(
      'NOT_AVAILABLE_FOR_WORK',
    );
    expect(evaluate('child-support', { ...base, household_size: 1 }).outcome).toBe('ineligible');
    expect(evaluate('carer-support', base).reasons.map((r) => r.code)).toEqual(['NOT_A_CARER']);
    expect(evaluate('disability-support', base).outcome).toBe('referred');
    expect(evaluate('housing-support', { ...base, currency: 'EUR' })).toMatchObject({
      outcome: 'referred',
      reasons: [{ code: 'CURRENCY_NOT_SUPPORTED' }],
    });
  });
});
