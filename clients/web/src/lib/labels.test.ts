import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { enumLabel, enumToCamel } from './labels';

describe('enum labels', () => {
  it('spells GraphQL enum values the way REST bodies and message keys do', () => {
    expect(enumToCamel('AGREED_WITH_MODIFICATIONS')).toBe('agreedWithModifications');
    expect(enumToCamel('STAND_ASIDE')).toBe('standAside');
    expect(enumToCamel('NOTED')).toBe('noted');
  });

  it('has a message for every outcome, stance, disposition and group kind', () => {
    const cases: [string, string[]][] = [
      ['decision.outcome', ['AGREED', 'AGREED_WITH_MODIFICATIONS', 'NOT_AGREED', 'NOTED', 'FURTHER_STUDY', 'POSTPONED']],
      ['consensus.stance', ['SUPPORT', 'OBJECT', 'STAND_ASIDE']],
      ['decision.disposition', ['WITHDRAWN', 'RESOLVED', 'OVERRULED', 'SUSTAINED']],
      ['groups.kind', ['PARENT_GROUP', 'FOCUS_GROUP', 'INITIATIVE', 'WORKING_GROUP']],
    ];
    for (const [prefix, values] of cases) {
      for (const value of values) expect(en).toHaveProperty([enumLabel(prefix, value)]);
    }
  });
});
