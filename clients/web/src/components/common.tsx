// Small pieces shared by the pages: dates, deadlines, documents, time travel and live notices.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import {
  deadlineInstant,
  formatCalendarDate,
  formatCountdown,
  formatDateTime,
  formatUtc,
} from '../lib/time';
import { navigate } from '../lib/router';
import { downloadDocument } from '../lib/download';
import { explain } from './form';

/** An instant in the reader's time zone, with the UTC time in the tooltip. */
export function DateTime({ value }: { value: string }) {
  const { formatLocale, timeZone } = useApp();
  return (
    <time dateTime={value} title={formatUtc(value, formatLocale)}>
      {formatDateTime(value, formatLocale, timeZone)}
    </time>
  );
}

export function CalendarDate({ value }: { value: string }) {
  const { formatLocale } = useApp();
  return <time dateTime={value}>{formatCalendarDate(value, formatLocale)}</time>;
}

/** Re-renders every `ms` so that countdowns move. */
export function useNow(ms = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The contribution deadline: in the reader's time, in UTC, and how long is left. */
export function Deadline({ date }: { date: string }) {
  const { t, formatLocale, timeZone } = useApp();
  const now = useNow();
  const instant = deadlineInstant(date);
  const passed = instant.getTime() < now.getTime();
  const countdown = formatCountdown(instant, now, formatLocale);
  return (
    <div class={passed ? 'notice' : 'notice ok'} data-testid="deadline">
      <strong>{t('meeting.deadline')}</strong>{' '}
      <span>{t('common.yourTime', { time: formatDateTime(instant, formatLocale, timeZone) })}</span>
      {' · '}
      <span>{formatUtc(instant, formatLocale)}</span>
      <br />
      <span data-testid="countdown">
        {passed ? t('meeting.deadlinePassed', { countdown }) : t('meeting.deadlineIn', { countdown })}
      </span>
    </div>
  );
}

export interface DocumentInfo {
  url: string;
  fileName: string;
  size: number;
  sha256: string;
}

/**
 * The link saves the document. Signed in, it fetches it with the session's token (a members-only
 * group's documents need it; a plain link cannot send it); signed out, it is a plain link.
 */
export function DocumentLink({ document }: { document: DocumentInfo }) {
  const { t, formatLocale, session } = useApp();
  const [error, setError] = useState<string | undefined>();
  const save = (event: MouseEvent) => {
    if (!session) return;
    event.preventDefault();
    setError(undefined);
    downloadDocument(document.url, document.fileName, session.token).catch((failure: unknown) => setError(explain(failure, t)));
  };
  return (
    <div class="document">
      <a href={document.url} download={document.fileName} onClick={save}>
        {t('common.download', { file: document.fileName })}
      </a>{' '}
      <span class="muted">({t('common.size', { size: new Intl.NumberFormat(formatLocale).format(document.size) })})</span>
      <div class="mono">
        {t('common.sha256')}: {document.sha256}
      </div>
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Reads `?asOf=` from the address; shows the banner and the form to choose another moment. */
export function AsOfControl({ asOf, historyHref }: { asOf: string | undefined; historyHref?: string }) {
  const { t, formatLocale, timeZone } = useApp();
  const [value, setValue] = useState(asOf ?? '');
  const show = (event: Event) => {
    event.preventDefault();
    const url = new URL(window.location.href);
    const trimmed = value.trim();
    // A local date-time from the picker becomes an RFC 3339 instant; a bare number is a position.
    const param = /^\d+$/.test(trimmed) ? trimmed : trimmed ? new Date(trimmed).toISOString() : '';
    if (param) url.searchParams.set('asOf', param);
    else url.searchParams.delete('asOf');
    navigate(url.pathname + url.search);
  };
  const label = asOf && !/^\d+$/.test(asOf) ? formatDateTime(asOf, formatLocale, timeZone) : asOf;
  return (
    <div class="asof">
      {asOf ? (
        <p class="asof-banner" role="status" data-testid="asof-banner">
          {t('common.asOfBanner', { when: label ?? '' })}{' '}
          <a href={window.location.pathname}>{t('common.asOfNow')}</a>
        </p>
      ) : null}
      <details>
        <summary>{t('common.asOf')}</summary>
        <form class="actions" onSubmit={show}>
          <label>
            <span class="hint">{t('common.asOfHint')}</span>
            <input
              type="datetime-local"
              name="asOf"
              step={1}
              value={value}
              aria-label={t('common.asOf')}
              onInput={(e) => setValue(e.currentTarget.value)}
            />
          </label>
          <button type="submit" class="secondary">
            {t('common.asOfShow')}
          </button>
          {historyHref ? <a href={historyHref}>{t('nav.history')}</a> : null}
        </form>
      </details>
    </div>
  );
}

/** A polite announcement for screen readers and a short visible notice, for live updates. */
export function useLiveNotice(): [ComponentChildren, (message: string) => void] {
  const [message, setMessage] = useState<string | undefined>();
  useEffect(() => {
    if (!message) return;
    const timer = setTimeout(() => setMessage(undefined), 6000);
    return () => clearTimeout(timer);
  }, [message]);
  const node = (
    <>
      <div class="live-region" aria-live="polite" role="status">
        {message ?? ''}
      </div>
      {message ? (
        <div class="toast" aria-hidden="true" data-testid="live-toast">
          {message}
        </div>
      ) : null}
    </>
  );
  return [node, setMessage];
}

export function Breadcrumbs({ items }: { items: { href?: string; label: string }[] }) {
  const { t } = useApp();
  return (
    <nav class="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item.href ? <a href={item.href}>{item.label}</a> : <span aria-current="page">{item.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export function asOfParam(search: URLSearchParams): string | undefined {
  return search.get('asOf') ?? undefined;
}

/** Says whether new comments, positions and decisions will appear by themselves. */
export function LiveStatus() {
  const { t, live } = useApp();
  return (
    <p class="muted live-status" data-testid="live-status" data-live={live ? 'on' : 'off'}>
      {live ? t('common.live') : t('common.liveOff')}
    </p>
  );
}
