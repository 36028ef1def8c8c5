// One contribution: its document and revisions, its comment threads (live), its consensus calls.

import { useApp } from '../app-context';
import { CommentPostedSubscription, ContributionQuery, DecisionRecordedSubscription } from '../api/operations';
import { useQuery, useSubscription } from '../api/hooks';
import { commands } from '../api/commands';
import { AsOfControl, asOfParam, Breadcrumbs, DateTime, DocumentLink, LiveStatus, useLiveNotice } from '../components/common';
import { CommentThreads } from '../components/comments';
import { Field, FormStatus, useForm } from '../components/form';
import { OpenCallForm } from '../components/open-call';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import { isChair } from '../lib/session';
import { formatDateTime } from '../lib/time';
import { contributionStatusLabel, LateDecision } from './meeting';
import type { PageProps } from '../app';

function ReviseForm({ contributionId, title, onDone }: { contributionId: string; title: string; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const form = useForm({ title, note: '', file: undefined as File | undefined });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.reviseContribution(session?.token, key, contributionId, {
        title: values.title,
        note: values.note || undefined,
        file: values.file,
      });
      onDone(receipt.position);
      return t('contribution.revised');
    });
  };
  return (
    <details class="panel">
      <summary>{t('contribution.revise')}</summary>
      <form onSubmit={onSubmit} noValidate>
        <FormStatus general={form.general} done={form.done} />
        <Field label={t('contribution.docTitle')} name="title" error={form.errors.title} required>
          {(props) => <input {...props} value={form.values.title} onInput={(e) => form.set('title', e.currentTarget.value)} />}
        </Field>
        <Field label={t('contribution.revisionNote')} name="note" error={form.errors.note}>
          {(props) => <textarea {...props} value={form.values.note} onInput={(e) => form.set('note', e.currentTarget.value)} />}
        </Field>
        <Field label={t('contribution.file')} name="file" hint={t('contribution.fileHint')} error={form.errors.file} required>
          {(props) => <input {...props} type="file" onChange={(e) => form.set('file', e.currentTarget.files?.[0])} />}
        </Field>
        <button type="submit" disabled={form.submitting}>
          {t('contribution.revise')}
        </button>
      </form>
    </details>
  );
}

function WithdrawForm({ contributionId, onDone }: { contributionId: string; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const form = useForm({ reason: '' });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.withdrawContribution(session?.token, key, contributionId, values.reason.trim() || undefined);
      onDone(receipt.position);
      return undefined;
    });
  };
  return (
    <details class="panel">
      <summary>{t('contribution.withdraw')}</summary>
      <form onSubmit={onSubmit} noValidate>
        <FormStatus general={form.general} />
        <Field label={t('common.reason')} name="reason" error={form.errors.reason}>
          {(props) => <input {...props} value={form.values.reason} onInput={(e) => form.set('reason', e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="danger" disabled={form.submitting}>
          {t('contribution.withdraw')}
        </button>
      </form>
    </details>
  );
}

export function ContributionPage({ params, search }: PageProps) {
  const { t, formatLocale, timeZone, session, seenPosition, noteWrite } = useApp();
  const asOf = asOfParam(search);
  const id = params.contributionId!;
  const { data, error, loading, reload } = useQuery(ContributionQuery, { id, asOf, atLeast: seenPosition });
  const [notice, announce] = useLiveNotice();
  const live = !asOf;
  useSubscription(
    CommentPostedSubscription,
    { subject: id },
    (event) => {
      reload();
      if (event.commentPosted.author !== session?.person) announce(t('comments.newLive', { name: event.commentPosted.author }));
    },
    { skip: !live },
  );
  useSubscription(
    DecisionRecordedSubscription,
    { subject: id },
    (event) => {
      reload();
      announce(t('decision.newLive', { outcome: t(enumLabel('decision.outcome', event.decisionRecorded.outcome)) }));
    },
    { skip: !live },
  );

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const c = data?.contribution;
  if (!c) return <p>{t('common.notFound')}</p>;
  const groupId = c.group?.id ?? '';
  const chair = isChair(session, groupId);
  const author = !!session && c.authors.includes(session.person);
  const onWrite = (position: string) => {
    noteWrite(position);
    reload();
  };

  return (
    <>
      {notice}
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          ...(c.group ? [{ href: `/groups/${encodeURIComponent(c.group.id)}`, label: c.group.acronym }] : []),
          ...(c.meeting ? [{ href: `/meetings/${c.meeting.id}`, label: c.meeting.title }] : []),
          { label: c.number },
        ]}
      />
      <h1>
        <span data-testid="contribution-number">{c.number}</span>: {c.title}
      </h1>
      <p>
        {c.late ? <span class="badge late">{t('meeting.late')}</span> : null}{' '}
        <span class="badge">{t(contributionStatusLabel(c.status, c.late))}</span>
        {c.statusReason ? <span class="muted"> {c.statusReason}</span> : null}
      </p>
      {live ? <LiveStatus /> : null}
      {chair && live && c.status === 'AWAITING_CHAIR' ? <LateDecision id={c.id} number={c.number} onDone={onWrite} /> : null}
      <AsOfControl asOf={asOf} historyHref={`/history/contribution/${c.id}`} />
      <dl class="facts">
        <dt>{t('contribution.sources')}</dt>
        <dd>{c.sourceOrganisations.join(', ')}</dd>
        <dt>{t('contribution.authors')}</dt>
        <dd>{c.authors.join(', ')}</dd>
        <dt>{t('contribution.agendaItem')}</dt>
        <dd>
          {c.agendaItem} {c.meeting?.agenda.find((a) => a.id === c.agendaItem)?.title ?? ''}
        </dd>
        <dt>{t('contribution.submittedAt')}</dt>
        <dd>
          <DateTime value={c.submittedAt} />
        </dd>
        <dt>{t('common.document')}</dt>
        <dd>
          <DocumentLink document={c.document} />
        </dd>
      </dl>

      {c.revisions.length > 1 ? (
        <section aria-labelledby="revisions-heading">
          <h2 id="revisions-heading">{t('contribution.revisions')}</h2>
          <ol>
            {c.revisions.map((r) => (
              <li key={r.revision}>
                <strong>{r.number}</strong> {r.title} · <DateTime value={r.at} />
                {r.late ? <span class="badge late"> {t('meeting.late')}</span> : null}
                {r.note ? <p>{r.note}</p> : null}
                <DocumentLink document={r.document} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {author && live && c.status !== 'WITHDRAWN' ? (
        <>
          <ReviseForm contributionId={c.id} title={c.title} onDone={onWrite} />
          <WithdrawForm contributionId={c.id} onDone={onWrite} />
        </>
      ) : null}

      <section aria-labelledby="calls-heading">
        <h2 id="calls-heading">{t('groups.consensusCalls')}</h2>
        {c.consensusCalls.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        <ul>
          {c.consensusCalls.map((call) => {
            const decision = call.decisions.find((d) => d.inForce);
            return (
              <li key={call.id}>
                <a href={`/calls/${call.id}`}>{call.question}</a>{' '}
                {decision ? (
                  <span class="badge ok">{t(enumLabel('decision.outcome', decision.outcome))}</span>
                ) : (
                  <span class="muted">
                    {t('consensus.closes', { when: formatDateTime(call.closesAt, formatLocale, timeZone) })}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
        {chair && live ? (
          <OpenCallForm groupId={groupId} subject={{ kind: 'contribution', id: c.id }} heading={t('contribution.openCall')} />
        ) : null}
      </section>

      <CommentThreads
        threads={c.threads}
        groupId={groupId}
        subject={{ kind: 'contribution', id: c.id }}
        readOnly={!live}
        chair={chair}
        onWrite={onWrite}
      />
    </>
  );
}
