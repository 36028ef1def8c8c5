// Submitting a contribution with its file to a meeting and an agenda item.

import { useApp } from '../app-context';
import { MeetingQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { commands } from '../api/commands';
import { Breadcrumbs, Deadline } from '../components/common';
import { Field, FormStatus, useForm } from '../components/form';
import { ErrorMessage, Loading } from '../components/status';
import { navigate } from '../lib/router';
import { decodeClaims } from '../lib/session';
import type { PageProps } from '../app';

export function splitList(text: string): string[] {
  return text
    .split(/[,،、;]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function SubmitContributionPage({ params }: PageProps) {
  const { t, session, noteWrite } = useApp();
  const { data, error, loading, reload } = useQuery(MeetingQuery, { id: params.meetingId! });
  const organisation = session ? decodeClaims(session.token)?.org : undefined;
  const form = useForm({
    title: '',
    agendaItem: '',
    sourceOrganisations: typeof organisation === 'string' ? organisation : '',
    file: undefined as File | undefined,
  });
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const meeting = data?.meeting;
  if (!meeting || !meeting.group) return <p>{t('common.notFound')}</p>;
  const group = meeting.group;

  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const result = await commands.submitContribution(session?.token, key, {
        meetingId: meeting.id,
        agendaItem: values.agendaItem,
        title: values.title,
        sourceOrganisations: splitList(values.sourceOrganisations),
        file: values.file,
      });
      noteWrite(result.position);
      navigate(`/contributions/${result.contributionId}`);
      return t('contribution.submitted', { number: result.number ?? '' });
    });
  };

  return (
    <>
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          { href: `/groups/${encodeURIComponent(group.id)}`, label: group.acronym },
          { href: `/meetings/${meeting.id}`, label: meeting.title },
          { label: t('contribution.submitTitle') },
        ]}
      />
      <h1>{t('contribution.submitTitle')}</h1>
      <Deadline date={meeting.contributionDeadline} />
      <form onSubmit={onSubmit} noValidate data-testid="submit-contribution">
        <FormStatus general={form.general} done={form.done} />
        <Field label={t('contribution.docTitle')} name="title" error={form.errors.title} required>
          {(props) => (
            <input {...props} value={form.values.title} onInput={(e) => form.set('title', e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('contribution.agendaItem')} name="agendaItem" error={form.errors.agendaItem} required>
          {(props) => (
            <select {...props} value={form.values.agendaItem} onChange={(e) => form.set('agendaItem', e.currentTarget.value)}>
              <option value="">—</option>
              {meeting.agenda.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.id} {item.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('contribution.sources')}
          name="sourceOrganisations"
          hint={t('contribution.sourcesHint')}
          error={form.errors.sourceOrganisations}
          required
        >
          {(props) => (
            <input
              {...props}
              value={form.values.sourceOrganisations}
              onInput={(e) => form.set('sourceOrganisations', e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label={t('contribution.file')} name="file" hint={t('contribution.fileHint')} error={form.errors.file} required>
          {(props) => (
            <input
              {...props}
              type="file"
              onChange={(e) => form.set('file', e.currentTarget.files?.[0])}
            />
          )}
        </Field>
        <button type="submit" disabled={form.submitting}>
          {t('common.submit')}
        </button>
      </form>
    </>
  );
}
