// A chair announces a meeting; the four-week rule is shown as the dates are chosen, and a shorter
// notice asks for the waiver's reason.

import { useApp } from '../app-context';
import { GroupQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { commands } from '../api/commands';
import { Breadcrumbs } from '../components/common';
import { Field, FormStatus, useForm } from '../components/form';
import { ErrorMessage, Loading } from '../components/status';
import { navigate } from '../lib/router';
import { contributionDeadlineFor, formatCalendarDate, fourWeekRule, utcToday } from '../lib/time';
import type { PageProps } from '../app';

interface AgendaRow {
  id: string;
  title: string;
}

export function NoticeCheck({ startsOn }: { startsOn: string }) {
  const { t, formatLocale } = useApp();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(startsOn)) return null;
  const rule = fourWeekRule(startsOn, utcToday(new Date()));
  return (
    <p class={rule.satisfied ? 'notice ok' : 'notice'} role="status" data-testid="four-week-rule">
      {rule.satisfied
        ? t('announce.ruleOk', {
            days: rule.noticeDays,
            deadline: formatCalendarDate(contributionDeadlineFor(startsOn), formatLocale),
          })
        : t('announce.ruleBreached', {
            days: rule.noticeDays,
            lastDay: formatCalendarDate(rule.lastCompliantDay, formatLocale),
          })}
    </p>
  );
}

export function AnnounceMeetingPage({ params }: PageProps) {
  const { t, session, noteWrite } = useApp();
  const groupId = params.groupId!;
  const { data, error, loading, reload } = useQuery(GroupQuery, { id: groupId });
  const form = useForm(
    {
      title: '',
      startsOn: '',
      endsOn: '',
      venue: '',
      remoteParticipation: true,
      registrationDeadline: '',
      agenda: [{ id: '1', title: '' }] as AgendaRow[],
      waiverReason: '',
    },
    (field) =>
      ['title', 'startsOn', 'endsOn', 'venue', 'remoteParticipation', 'registrationDeadline', 'waiverReason', 'agenda'].includes(field) ||
      /^agenda\.\d+\.(id|title)$/.test(field),
  );
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const group = data?.group;
  if (!group) return <p>{t('common.notFound')}</p>;

  const v = form.values;
  const rule = /^\d{4}-\d{2}-\d{2}$/.test(v.startsOn) ? fourWeekRule(v.startsOn, utcToday(new Date())) : undefined;
  const needsWaiver = rule !== undefined && !rule.satisfied;
  const setRow = (index: number, patch: Partial<AgendaRow>) =>
    form.set(
      'agenda',
      v.agenda.map((row, i) => (i === index ? { ...row, ...patch } : row)),
    );

  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const result = await commands.announceMeeting(session?.token, key, {
        groupId: group.id,
        title: values.title,
        startsOn: values.startsOn,
        endsOn: values.endsOn,
        venue: values.venue.trim() || undefined,
        remoteParticipation: values.remoteParticipation,
        registrationDeadline: values.registrationDeadline || undefined,
        agenda: values.agenda.filter((row) => row.id.trim() || row.title.trim()),
        waiverReason: needsWaiver ? values.waiverReason : undefined,
      });
      noteWrite(result.position);
      navigate(`/meetings/${result.meetingId}`);
      return t('announce.done');
    });
  };

  return (
    <>
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          { href: `/groups/${encodeURIComponent(group.id)}`, label: group.acronym },
          { label: t('announce.title') },
        ]}
      />
      <h1>{t('announce.title')}</h1>
      <form onSubmit={onSubmit} noValidate data-testid="announce-meeting">
        <FormStatus general={form.general} done={form.done} />
        <Field label={t('announce.meetingTitle')} name="title" error={form.errors.title} required>
          {(props) => <input {...props} value={v.title} onInput={(e) => form.set('title', e.currentTarget.value)} />}
        </Field>
        <Field label={t('announce.startsOn')} name="startsOn" error={form.errors.startsOn} required>
          {(props) => <input {...props} type="date" value={v.startsOn} onInput={(e) => form.set('startsOn', e.currentTarget.value)} />}
        </Field>
        <Field label={t('announce.endsOn')} name="endsOn" error={form.errors.endsOn} required>
          {(props) => <input {...props} type="date" value={v.endsOn} onInput={(e) => form.set('endsOn', e.currentTarget.value)} />}
        </Field>
        {rule ? <NoticeCheck startsOn={v.startsOn} /> : null}
        {needsWaiver ? (
          <Field label={t('announce.waiverReason')} name="waiverReason" error={form.errors.waiverReason} required>
            {(props) => (
              <textarea {...props} value={v.waiverReason} onInput={(e) => form.set('waiverReason', e.currentTarget.value)} />
            )}
          </Field>
        ) : null}
        <Field label={t('announce.venue')} name="venue" error={form.errors.venue}>
          {(props) => <input {...props} value={v.venue} onInput={(e) => form.set('venue', e.currentTarget.value)} />}
        </Field>
        <div class="field">
          <label>
            <input
              type="checkbox"
              name="remoteParticipation"
              checked={v.remoteParticipation}
              onChange={(e) => form.set('remoteParticipation', e.currentTarget.checked)}
            />{' '}
            {t('announce.remote')}
          </label>
        </div>
        <Field label={t('announce.registrationDeadline')} name="registrationDeadline" error={form.errors.registrationDeadline}>
          {(props) => (
            <input
              {...props}
              type="date"
              value={v.registrationDeadline}
              onInput={(e) => form.set('registrationDeadline', e.currentTarget.value)}
            />
          )}
        </Field>
        <fieldset>
          <legend>{t('announce.agenda')}</legend>
          {form.errors.agenda ? <p class="field-error">{form.errors.agenda}</p> : null}
          {v.agenda.map((row, i) => (
            <div class="agenda-row" key={i}>
              <Field label={t('announce.agendaId')} name={`agenda.${i}.id`} error={form.errors[`agenda.${i}.id`]}>
                {(props) => <input {...props} value={row.id} onInput={(e) => setRow(i, { id: e.currentTarget.value })} />}
              </Field>
              <Field label={t('announce.agendaTitle')} name={`agenda.${i}.title`} error={form.errors[`agenda.${i}.title`]}>
                {(props) => <input {...props} value={row.title} onInput={(e) => setRow(i, { title: e.currentTarget.value })} />}
              </Field>
              {v.agenda.length > 1 ? (
                <button
                  type="button"
                  class="secondary"
                  onClick={() => form.set('agenda', v.agenda.filter((_, j) => j !== i))}
                >
                  {t('announce.removeItem', { id: row.id || String(i + 1) })}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            class="secondary"
            onClick={() => form.set('agenda', [...v.agenda, { id: String(v.agenda.length + 1), title: '' }])}
          >
            {t('announce.addItem')}
          </button>
        </fieldset>
        <button type="submit" disabled={form.submitting}>
          {t('announce.submit')}
        </button>
      </form>
    </>
  );
}
