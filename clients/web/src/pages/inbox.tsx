// The parent group's inbox: transmitted deliverables with the approving decision, the contributions
// they built on and their audit trail; acknowledge or return for revision.

import { useApp } from '../app-context';
import { useEffect } from 'preact/hooks';
import { DeliverableTransmittedSubscription, GroupsQuery, InboxQuery } from '../api/operations';
import { useQuery, useSubscription } from '../api/hooks';
import { commands } from '../api/commands';
import { Breadcrumbs, CalendarDate, DateTime, DocumentLink, LiveStatus, useLiveNotice } from '../components/common';
import { AuditTable } from '../components/audit';
import { Field, FormStatus, useForm } from '../components/form';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import { formatDateTime } from '../lib/time';
import { navigate } from '../lib/router';
import type { PageProps } from '../app';

function TakeUp({ deliverableId, transmittalId, onDone }: { deliverableId: string; transmittalId: string; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const form = useForm({ note: '', reason: '' });
  const acknowledge = () =>
    form.submit(async (values, key) => {
      const receipt = await commands.acknowledge(session?.token, key, deliverableId, transmittalId, values.note.trim() || undefined);
      onDone(receipt.position);
      return t('inbox.acknowledged');
    });
  const giveBack = () =>
    form.submit(async (values, key) => {
      const receipt = await commands.returnForRevision(session?.token, key, deliverableId, transmittalId, values.reason);
      onDone(receipt.position);
      return t('inbox.returned');
    });
  return (
    <form onSubmit={(e) => e.preventDefault()} noValidate class="panel">
      <FormStatus general={form.general} done={form.done} />
      <Field label={t('inbox.ackNote')} name="note" error={form.errors.note}>
        {(props) => <input {...props} value={form.values.note} onInput={(e) => form.set('note', e.currentTarget.value)} />}
      </Field>
      <button type="button" disabled={form.submitting} onClick={() => void acknowledge()}>
        {t('inbox.acknowledge')}
      </button>
      <Field label={t('inbox.returnReason')} name="reason" error={form.errors.reason}>
        {(props) => <textarea {...props} value={form.values.reason} onInput={(e) => form.set('reason', e.currentTarget.value)} />}
      </Field>
      <button type="button" class="danger" disabled={form.submitting} onClick={() => void giveBack()}>
        {t('inbox.return')}
      </button>
    </form>
  );
}

export function InboxPage({ params }: PageProps) {
  const { t, formatLocale, timeZone, session, seenPosition, noteWrite } = useApp();
  const parentGroup = params.groupId!;
  const { data, error, loading, reload } = useQuery(InboxQuery, { parentGroup, atLeast: seenPosition }, { skip: !session });
  const [notice, announce] = useLiveNotice();
  useSubscription(
    DeliverableTransmittedSubscription,
    { parentGroup },
    (event) => {
      reload();
      announce(t('inbox.newLive', { title: event.deliverableTransmitted.deliverable.title }));
    },
    { skip: !session },
  );
  const onWrite = (position: string) => {
    noteWrite(position);
    reload();
  };

  if (!session) {
    return (
      <>
        <h1>{t('inbox.title')}</h1>
        <p>
          {t('error.unauthorized')} <a href={`/signin?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signIn')}</a>
        </p>
      </>
    );
  }
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const inbox = data?.inbox;
  if (!inbox) return <p>{t('common.notFound')}</p>;

  return (
    <>
      {notice}
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          { href: `/groups/${encodeURIComponent(inbox.parentGroup.id)}`, label: inbox.parentGroup.acronym },
          { label: t('nav.inbox') },
        ]}
      />
      <h1>
        {t('inbox.title')}: {inbox.parentGroup.acronym}
      </h1>
      <LiveStatus />
      {inbox.transmittals.length === 0 ? <p class="muted">{t('inbox.empty')}</p> : null}
      <ul class="cards" data-testid="inbox">
        {[...inbox.transmittals].reverse().map((tr) => (
          <li key={tr.id} data-transmittal-id={tr.id}>
            <h2>
              <a href={`/deliverables/${tr.deliverable.id}`}>{tr.deliverable.title}</a>
            </h2>
            <p>
              {tr.deliverable.group ? t('inbox.from', { group: tr.deliverable.group.acronym }) : null} · v{tr.version} ·{' '}
              {t('inbox.transmittedAt', { when: formatDateTime(tr.transmittedAt, formatLocale, timeZone) })} ·{' '}
              {t('deliverable.parentMeeting')}: <CalendarDate value={tr.parentMeetingStartsOn} />{' '}
              <span class="badge" data-testid="transmittal-status">
                {t(enumLabel('deliverable.status', tr.status === 'PENDING' ? 'TRANSMITTED' : tr.status))}
              </span>
              {tr.statusNote ? ` · ${tr.statusNote}` : ''}
            </p>
            {tr.draft ? <DocumentLink document={tr.draft.document} /> : null}
            {tr.approvingDecision ? (
              <section>
                <h3>{t('inbox.decision')}</h3>
                <p>
                  <strong>{t(enumLabel('decision.outcome', tr.approvingDecision.outcome))}</strong> ·{' '}
                  <DateTime value={tr.approvingDecision.decidedAt} />
                  <br />
                  {tr.approvingDecision.summary}
                </p>
                {tr.approvingDecision.objections.length > 0 ? (
                  <ul>
                    {tr.approvingDecision.objections.map((o) => (
                      <li key={o.participant}>
                        {t('decision.objectionBy', { name: o.participant, reason: o.reason })} (
                        {t(enumLabel('decision.disposition', o.disposition))})
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p class="muted">{t('decision.noObjections')}</p>
                )}
              </section>
            ) : null}
            {tr.builtOn.length > 0 ? (
              <section>
                <h3>{t('inbox.contributions')}</h3>
                <ul>
                  {tr.builtOn.map((c) => (
                    <li key={c.id}>
                      <a href={`/contributions/${c.id}`}>{c.number}</a> {c.title}
                    </li>
                  ))}
                </ul>
              </section>
            ) : null}
            <details>
              <summary>{t('inbox.auditTrail')}</summary>
              <AuditTable events={tr.auditTrail} entityHref={`/deliverables/${tr.deliverable.id}`} caption={t('inbox.auditTrail')} />
            </details>
            {tr.status === 'PENDING' ? <TakeUp deliverableId={tr.deliverable.id} transmittalId={tr.id} onDone={onWrite} /> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** `/inbox`: the inbox of the parent group the reader belongs to, or a choice among them. */
export function InboxChooserPage(_: PageProps) {
  const { t, session } = useApp();
  const { data, error, loading, reload } = useQuery(GroupsQuery, {});
  const parents = (data?.groups ?? []).filter((g) => g.kind === 'PARENT_GROUP');
  const mine = parents.filter((g) => session?.roles[g.id]?.length);
  useEffect(() => {
    if (mine.length === 1) navigate(`/groups/${encodeURIComponent(mine[0]!.id)}/inbox`, true);
  }, [mine.length, mine[0]?.id]);
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  return (
    <>
      <h1>{t('inbox.title')}</h1>
      <ul>
        {(mine.length > 0 ? mine : parents).map((g) => (
          <li key={g.id}>
            <a href={`/groups/${encodeURIComponent(g.id)}/inbox`}>
              {g.acronym}: {g.name}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}
