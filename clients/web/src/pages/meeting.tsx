// A meeting: dates, agenda, the contribution deadline with its countdown, and the contributions
// (late ones marked; the chair accepts or refuses them here).

import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { MeetingQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { commands } from '../api/commands';
import {
  AsOfControl,
  asOfParam,
  Breadcrumbs,
  CalendarDate,
  DateTime,
  Deadline,
} from '../components/common';
import { Field, FormStatus, useForm } from '../components/form';
import { ErrorMessage, Loading } from '../components/status';
import { isChair } from '../lib/session';
import { formatCalendarDate } from '../lib/time';
import type { MessageKey } from '../i18n';
import type { PageProps } from '../app';

type Status = 'ACCEPTED' | 'AWAITING_CHAIR' | 'REFUSED' | 'WITHDRAWN';

export function contributionStatusLabel(status: string, late: boolean): MessageKey {
  switch (status) {
    case 'AWAITING_CHAIR':
      return 'meeting.lateAwaiting';
    case 'REFUSED':
      return late ? 'meeting.lateRefused' : 'contribution.status.refused';
    case 'WITHDRAWN':
      return 'contribution.status.withdrawn';
    default:
      return late ? 'meeting.lateAccepted' : 'contribution.status.accepted';
  }
}

export function LateDecision({ id, number, onDone }: { id: string; number: string; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const form = useForm({ reason: '' });
  const run = (accept: boolean) =>
    form.submit(async (values, key) => {
      const receipt = accept
        ? await commands.acceptLate(session?.token, key, id, values.reason || undefined)
        : await commands.refuseLate(session?.token, key, id, values.reason);
      onDone(receipt.position);
      return undefined;
    });
  return (
    <form class="late-decision" onSubmit={(e) => e.preventDefault()} noValidate>
      <Field label={t('meeting.refuseReason', { number })} name="reason" error={form.errors.reason}>
        {(props) => (
          <input {...props} value={form.values.reason} onInput={(e) => form.set('reason', e.currentTarget.value)} />
        )}
      </Field>
      <FormStatus general={form.general} done={form.done} />
      <div class="actions">
        <button type="button" disabled={form.submitting} onClick={() => void run(true)}>
          {t('meeting.acceptLate', { number })}
        </button>
        <button type="button" class="danger" disabled={form.submitting} onClick={() => void run(false)}>
          {t('meeting.refuseLate', { number })}
        </button>
      </div>
    </form>
  );
}

export function MeetingPage({ params, search }: PageProps) {
  const { t, formatLocale, session, seenPosition, noteWrite } = useApp();
  const asOf = asOfParam(search);
  const [onlyLate, setOnlyLate] = useState(false);
  const [status, setStatus] = useState<Status | ''>('');
  const [agendaItem, setAgendaItem] = useState('');
  const { data, error, loading, reload } = useQuery(MeetingQuery, {
    id: params.meetingId!,
    asOf,
    atLeast: seenPosition,
    late: onlyLate ? true : undefined,
    status: status || undefined,
    agendaItem: agendaItem || undefined,
  });
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const meeting = data?.meeting;
  if (!meeting) return <p>{t('common.notFound')}</p>;
  const group = meeting.group;
  const chair = group ? isChair(session, group.id) : false;
  const contributions = meeting.contributions.edges.map((e) => e.node);

  return (
    <>
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          ...(group ? [{ href: `/groups/${encodeURIComponent(group.id)}`, label: group.acronym }] : []),
          { label: meeting.title },
        ]}
      />
      <h1>{meeting.title}</h1>
      <dl class="facts">
        <dt>{t('meeting.when')}</dt>
        <dd>
          {t('meeting.dates', {
            start: formatCalendarDate(meeting.startsOn, formatLocale),
            end: formatCalendarDate(meeting.endsOn, formatLocale),
          })}
        </dd>
        <dt>{t('meeting.venue')}</dt>
        <dd>
          {meeting.venue ?? t('meeting.remoteOnly')}
          {meeting.venue && meeting.remoteParticipation ? ` · ${t('meeting.remote')}` : ''}
        </dd>
        {meeting.registrationDeadline ? (
          <>
            <dt>{t('announce.registrationDeadline')}</dt>
            <dd>
              <CalendarDate value={meeting.registrationDeadline} />
            </dd>
          </>
        ) : null}
      </dl>
      {meeting.noticeWaiver ? (
        <p class="notice">
          {t('announce.waiverReason')}: {meeting.noticeWaiver.reason}
        </p>
      ) : null}
      <Deadline date={meeting.contributionDeadline} />
      <AsOfControl asOf={asOf} historyHref={`/history/meeting/${meeting.id}`} />

      <section aria-labelledby="agenda-heading">
        <h2 id="agenda-heading">{t('meeting.agenda')}</h2>
        <ul class="agenda">
          {meeting.agenda.map((item) => (
            <li key={item.id}>
              <strong>
                <bdi>{item.id}</bdi>
              </strong>{' '}
              {item.title}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="contributions-heading">
        <h2 id="contributions-heading">{t('meeting.contributions')}</h2>
        {session && !asOf ? (
          <p>
            <a class="button" href={`/meetings/${meeting.id}/submit`}>
              {t('meeting.submit')}
            </a>
          </p>
        ) : null}
        <form class="actions filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            <input type="checkbox" checked={onlyLate} onChange={(e) => setOnlyLate(e.currentTarget.checked)} />{' '}
            {t('meeting.filterLate')}
          </label>
          <label>
            {t('meeting.filterStatus')}{' '}
            <select value={status} onChange={(e) => setStatus(e.currentTarget.value as Status | '')}>
              <option value="">{t('meeting.all')}</option>
              <option value="ACCEPTED">{t('contribution.status.accepted')}</option>
              <option value="AWAITING_CHAIR">{t('contribution.status.lateAwaiting')}</option>
              <option value="REFUSED">{t('contribution.status.refused')}</option>
              <option value="WITHDRAWN">{t('contribution.status.withdrawn')}</option>
            </select>
          </label>
          <label>
            {t('meeting.filterAgendaItem')}{' '}
            <select value={agendaItem} onChange={(e) => setAgendaItem(e.currentTarget.value)}>
              <option value="">{t('meeting.all')}</option>
              {meeting.agenda.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.id} {item.title}
                </option>
              ))}
            </select>
          </label>
        </form>
        {contributions.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        <ul class="cards" data-testid="contributions">
          {contributions.map((c) => (
            <li key={c.id} data-number={c.number}>
              <a href={`/contributions/${c.id}`}>
                <strong>{c.number}</strong> {c.title}
              </a>{' '}
              {c.late && c.status !== 'AWAITING_CHAIR' ? <span class="badge late">{t('meeting.late')}</span> : null}{' '}
              <span class={`badge${c.status === 'AWAITING_CHAIR' ? ' late' : ''}`}>
                {t(contributionStatusLabel(c.status, c.late))}
              </span>
              <br />
              <span class="muted">
                {c.sourceOrganisations.join(', ')} · {t('contribution.agendaItem')} {c.agendaItem} ·{' '}
                <DateTime value={c.submittedAt} />
              </span>
              {chair && c.status === 'AWAITING_CHAIR' && !asOf ? (
                <LateDecision
                  id={c.id}
                  number={c.number}
                  onDone={(position) => {
                    noteWrite(position);
                    reload();
                  }}
                />
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
