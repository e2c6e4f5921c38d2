/**
 * The eligibility rule set, version {@link RULE_SET_VERSION}: pure functions of a citizen's declared
 * circumstances and the benefit asked for. Deliberately simple (an example, not policy):
 *
 * | rule id | applies to | says |
 * |---|---|---|
 * | `common.currency` | every benefit | income must be declared in GBP, else **referred** (`CURRENCY_NOT_SUPPORTED`) |
 * | `common.income.threshold` | every benefit | monthly household income at most 1,200.00 + 400.00 per further household member, else **ineligible** (`INCOME_ABOVE_THRESHOLD`) |
 * | `jsa.employment.status` | jobseeker-support | not `retired` or `student`, else **ineligible** (`NOT_AVAILABLE_FOR_WORK`) |
 * | `csa.household.dependants` | child-support | household of 2 or more, else **ineligible** (`NO_DEPENDANTS`) |
 * | `carer.employment.status` | carer-support | status `carer`, else **ineligible** (`NOT_A_CARER`) |
 * | `dsa.assessment` | disability-support | always **referred** to a caseworker (`ASSESSMENT_REQUIRED`): needs medical evidence |
 *
 * Outcome: ineligible if any rule says so, else referred if any rule refers, else eligible. The reasons are the
 * failing rules' (or, when eligible, the rules that passed), so a decision letter can quote them.
 */
import type { BenefitType, EligibilityOutcome, EligibilityReason, EmploymentStatus } from '@humangov/events';

/** Version of this rule set, written into every determination so an appeal can reproduce it. */
export const RULE_SET_VERSION = '2026.1.0';

/** What the rules read: the citizen's declared circumstances (never names or addresses). */
export interface DeclaredCircumstances {
  readonly status: EmploymentStatus;
  readonly household_size: number;
  /** Decimal string in major units, e.g. `'1650.00'`. */
  readonly monthly_income: string;
  readonly currency: string;
  readonly effective_date: string;
}

export interface Decision {
  readonly outcome: EligibilityOutcome;
  readonly reasons: readonly EligibilityReason[];
  readonly ruleSetVersion: string;
}

/** Income limit in pence for a household of `size`. */
export const incomeLimitMinor = (size: number): number => 120_000 + 40_000 * Math.max(0, size - 1);

/** `'1650.5'` -> 165050 (exact for up to 4 decimals; the spec's pattern allows no more). */
export function toMinor(amount: string): number {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
}

type Verdict = { readonly kind: 'pass' | 'fail' | 'refer'; readonly reason: EligibilityReason };

const pass = (rule_id: string, code: string, explanation: string): Verdict => ({
  kind: 'pass',
  reason: { rule_id, code, explanation },
});
const fail = (rule_id: string, code: string, explanation: string): Verdict => ({
  kind: 'fail',
  reason: { rule_id, code, explanation },
});
const refer = (rule_id: string, code: string, explanation: string): Verdict => ({
  kind: 'refer',
  reason: { rule_id, code, explanation },
});

function verdicts(benefit: BenefitType, c: DeclaredCircumstances): Verdict[] {
  const out: Verdict[] = [];
  if (c.currency !== 'GBP') {
    out.push(refer('common.currency', 'CURRENCY_NOT_SUPPORTED', 'Income was declared in a currency other than GBP.'));
  } else if (toMinor(c.monthly_income) > incomeLimitMinor(c.household_size)) {
    out.push(
      fail(
        'common.income.threshold',
        'INCOME_ABOVE_THRESHOLD',
        'Household income is above the monthly limit for the household size.',
      ),
    );
  } else {
    out.push(
      pass(
        'common.income.threshold',
        'INCOME_WITHIN_THRESHOLD',
        'Household income is within the monthly limit for the household size.',
      ),
    );
  }
  switch (benefit) {
    case 'jobseeker-support':
      out.push(
        c.status === 'retired' || c.status === 'student'
          ? fail(
              'jsa.employment.status',
              'NOT_AVAILABLE_FOR_WORK',
              'Retired people and full-time students cannot claim jobseeker support.',
            )
          : pass(
              'jsa.employment.status',
              'AVAILABLE_FOR_WORK',
              'The declared employment status allows a jobseeker claim.',
            ),
      );
      break;
    case 'child-support':
      out.push(
        c.household_size >= 2
          ? pass('csa.household.dependants', 'HAS_DEPENDANTS', 'The household includes at least one other person.')
          : fail('csa.household.dependants', 'NO_DEPENDANTS', 'The household has no other member.'),
      );
      break;
    case 'carer-support':
      out.push(
        c.status === 'carer'
          ? pass('carer.employment.status', 'DECLARED_CARER', 'The citizen declared caring responsibilities.')
          : fail('carer.employment.status', 'NOT_A_CARER', 'The citizen did not declare caring responsibilities.'),
      );
      break;
    case 'disability-support':
      out.push(refer('dsa.assessment', 'ASSESSMENT_REQUIRED', 'A caseworker must assess the medical evidence.'));
      break;
    case 'housing-support':
      break;
  }
  return out;
}

/** Applies the rule set to `circumstances` for `benefit`. */
export function evaluate(benefit: BenefitType, circumstances: DeclaredCircumstances): Decision {
  const all = verdicts(benefit, circumstances);
  const failing = all.filter((v) => v.kind === 'fail');
  const referring = all.filter((v) => v.kind === 'refer');
  const outcome: EligibilityOutcome =
    failing.length > 0 ? 'ineligible' : referring.length > 0 ? 'referred' : 'eligible';
  const reasons = (failing.length > 0 ? failing : referring.length > 0 ? referring : all).map((v) => v.reason);
  return { outcome, reasons, ruleSetVersion: RULE_SET_VERSION };
}
