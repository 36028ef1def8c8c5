// Dates in the reader's locale and time zone, deadlines also in UTC, countdowns and the 4-week rule.

const DAY_MS = 86_400_000;

/** Calendar dates (`2017-10-13`) carry no time zone: they are shown as written, in UTC. */
export function parseCalendarDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

export function formatCalendarDate(date: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    parseCalendarDate(date),
  );
}

export function formatDateTime(instant: string | Date, locale: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone,
  }).format(typeof instant === 'string' ? new Date(instant) : instant);
}

/** The same instant in UTC, for people in different time zones to agree on. */
export function formatUtc(instant: string | Date, locale: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(typeof instant === 'string' ? new Date(instant) : instant);
}

/**
 * The contribution deadline is a calendar day (the meeting's start minus 12 days); a document
 * is on time until that day ends in UTC.
 */
export function deadlineInstant(deadlineDate: string): Date {
  return new Date(parseCalendarDate(deadlineDate).getTime() + DAY_MS - 1000);
}

export interface Countdown {
  passed: boolean;
  /** Whole days, hours and minutes left (or since, when passed). */
  days: number;
  hours: number;
  minutes: number;
}

export function countdown(deadline: Date, now: Date): Countdown {
  const diff = deadline.getTime() - now.getTime();
  const abs = Math.abs(diff);
  return {
    passed: diff < 0,
    days: Math.floor(abs / DAY_MS),
    hours: Math.floor((abs % DAY_MS) / 3_600_000),
    minutes: Math.floor((abs % 3_600_000) / 60_000),
  };
}

/**
 * "in 3 days", "in 5 hours", "2 days ago": the largest unit that keeps the figure meaningful,
 * worded by the reader's locale.
 */
export function formatCountdown(deadline: Date, now: Date, locale: string): string {
  const c = countdown(deadline, now);
  const sign = c.passed ? -1 : 1;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (c.days >= 2) return rtf.format(sign * c.days, 'day');
  if (c.days >= 1 || c.hours >= 2) return rtf.format(sign * (c.days * 24 + c.hours), 'hour');
  return rtf.format(sign * (c.hours * 60 + c.minutes), 'minute');
}

/** Today's calendar date in UTC, `YYYY-MM-DD`. */
export function utcToday(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(parseCalendarDate(date).getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseCalendarDate(to).getTime() - parseCalendarDate(from).getTime()) / DAY_MS);
}

/** ITU-T A.7: meetings are announced, and deliverables sent, at least four calendar weeks ahead. */
export const NOTICE_DAYS = 28;

export interface NoticeCheck {
  /** Calendar days between today and the meeting's start. */
  noticeDays: number;
  /** At least four weeks remain. */
  satisfied: boolean;
  /** The last day on which the rule can still be met for this meeting. */
  lastCompliantDay: string;
}

export function fourWeekRule(meetingStartsOn: string, today: string): NoticeCheck {
  const noticeDays = daysBetween(today, meetingStartsOn);
  return {
    noticeDays,
    satisfied: noticeDays >= NOTICE_DAYS,
    lastCompliantDay: addDays(meetingStartsOn, -NOTICE_DAYS),
  };
}

/** The domain's rule, shown before the domain applies it: start minus 12 calendar days. */
export function contributionDeadlineFor(meetingStartsOn: string): string {
  return addDays(meetingStartsOn, -12);
}
