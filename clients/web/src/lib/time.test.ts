import { describe, expect, it } from 'vitest';
import {
  contributionDeadlineFor,
  countdown,
  deadlineInstant,
  formatCalendarDate,
  formatCountdown,
  formatDateTime,
  formatUtc,
  fourWeekRule,
} from './time';

describe('contribution deadline', () => {
  it('is the meeting start minus 12 calendar days (FG DFC: 13 October gives 1 October)', () => {
    expect(contributionDeadlineFor('2017-10-13')).toBe('2017-10-01');
  });

  it('ends with its day in UTC', () => {
    expect(deadlineInstant('2017-10-01').toISOString()).toBe('2017-10-01T23:59:59.000Z');
  });
});

describe('countdown', () => {
  const deadline = new Date('2026-03-10T12:00:00Z');

  it('counts days, hours and minutes left', () => {
    expect(countdown(deadline, new Date('2026-03-07T09:30:00Z'))).toEqual({
      passed: false,
      days: 3,
      hours: 2,
      minutes: 30,
    });
  });

  it('says when the deadline has passed', () => {
    expect(countdown(deadline, new Date('2026-03-10T13:00:00Z'))).toMatchObject({ passed: true, hours: 1 });
  });

  it('words the largest meaningful unit in the reader language', () => {
    expect(formatCountdown(deadline, new Date('2026-03-07T09:30:00Z'), 'en')).toBe('in 3 days');
    expect(formatCountdown(deadline, new Date('2026-03-09T09:00:00Z'), 'en')).toBe('in 27 hours');
    expect(formatCountdown(deadline, new Date('2026-03-10T11:15:00Z'), 'en')).toBe('in 45 minutes');
    expect(formatCountdown(deadline, new Date('2026-03-12T12:00:00Z'), 'en')).toBe('2 days ago');
    expect(formatCountdown(deadline, new Date('2026-03-07T09:30:00Z'), 'fr')).toBe('dans 3 jours');
  });
});

describe('formatting in the reader locale and time zone', () => {
  const instant = '2026-03-10T12:00:00Z';

  it('shows the same instant in the reader time zone', () => {
    expect(formatDateTime(instant, 'en-GB', 'Asia/Shanghai')).toContain('20:00');
    expect(formatDateTime(instant, 'en-GB', 'America/New_York')).toContain('08:00');
  });

  it('shows deadlines also in UTC', () => {
    const text = formatUtc(instant, 'en-GB');
    expect(text).toContain('12:00');
    expect(text).toContain('UTC');
  });

  it('shows calendar dates as written whatever the time zone', () => {
    expect(formatCalendarDate('2017-10-13', 'en-GB')).toBe('13 Oct 2017');
  });

  it('uses the locale digits and words', () => {
    expect(formatCalendarDate('2017-10-13', 'zh')).toContain('2017');
    expect(formatCalendarDate('2017-10-13', 'ar-EG')).toMatch(/[٠-٩]/);
  });
});

describe('the four-week rule', () => {
  it('is met with 28 days or more', () => {
    expect(fourWeekRule('2026-04-28', '2026-03-31')).toEqual({
      noticeDays: 28,
      satisfied: true,
      lastCompliantDay: '2026-03-31',
    });
  });

  it('bites with 27 days and names the last compliant day', () => {
    expect(fourWeekRule('2026-04-28', '2026-04-01')).toEqual({
      noticeDays: 27,
      satisfied: false,
      lastCompliantDay: '2026-03-31',
    });
  });
});
