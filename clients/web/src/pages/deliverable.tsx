// A deliverable: draft versions, the approving decision, consensus calls on drafts, and the chair's
// transmission to the parent group with the four-week rule shown before it bites.

import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { DeliverableQuery, GroupContributionsQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { commands } from '../api/commands';
import { AsOfControl, asOfParam, Breadcrumbs, DateTime, DocumentLink } from '../components/common';
import { Field, FormStatus, useForm } from '../components/form';
import { OpenCallForm } from '../components/open-call';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import { isChair } from '../lib/session';
import { formatCalendarDate, fourWeekRule, utcToday } from '../lib/time';
import type { MessageKey } from '../i18n';
import type { PageProps } from '../app';

export function deliverableStatus(d: {
  approvals: readonly unknown[];
  transmittals: readonly { status: string }[];
}): MessageKey {
  const last = d.transmittals[d.transmittals.length - 1];
  if (last?.status === 'ACKNOWLEDGED') return 'deliverable.status.acknowledged';
  if (last?.status === 'RETURNED') return 'deliverable.status.returned';
  if (last) return 'deliverable.status.transmitted';
  if (d.approvals.length > 0) return 'deliverable.status.approved';
  return 'deliverable.status.inProgress';
}

function PublishDraftForm({ deliverableId, groupId, onDone }: { deliverableId: string; groupId: string; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const contributions = useQuery(GroupContributionsQuery, { group: groupId });
  const form = useForm({ note: '', buildsOn: [] as string[], file: undefined as File | undefined });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const result = await commands.publishDraft(session?.token, key, deliverableId, {
        note: values.note.trim() || undefined,
        buildsOn: values.buildsOn,
        file: values.file,
      });
      onDone(result.position);
      return t('deliverable.published', { number: result.number });
    });
  };
  const options = contributions.data?.contributions.edges.map((e) => e.node) ?? [];
  return (
    <details class="panel">
      <summary>{t('deliverable.publish')}</summary>
      <form onSubmit={onSubmit} noValidate data-testid="publish-draft">
        <FormStatus general={form.general} done={form.done} />
        <Field label={t('contribution.file')} name="file" hint={t('contribution.fileHint')} error={form.errors.file} required>
          {(props) => <input {...props} type="file" onChange={(e) => form.set('file', e.currentTarget.files?.[0])} />}
        </Field>
        <Field label={t('deliverable.buildsOn')} name="buildsOn" error={form.errors.buildsOn}>
          {(props) => (
            <select
              {...props}
              multiple
              size={Math.min(6, Math.max(2, options.length))}
              onChange={(e) => form.set('buildsOn', Array.from(e.currentTarget.selectedOptions, (o) => o.value))}
            >
              {options.map((c) => (
                <option key={c.id} value={c.id} selected={form.values.buildsOn.includes(c.id)}>
                  {c.number} {c.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('contribution.revisionNote')} name="note" error={form.errors.note}>
          {(props) => <textarea {...props} value={form.values.note} onInput={(e) => form.set('note', e.currentTarget.value)} />}
        </Field>
        <button type="submit" disabled={form.submitting}>
          {t('deliverable.publish')}
        </button>
      </form>
    </details>
  );
}

interface ParentMeeting {
  id: string;
  title: string;
  startsOn: string;
}

function NoticeRule({ startsOn }: { startsOn: string }) {
  const { t, formatLocale } = useApp();
  const rule = fourWeekRule(startsOn, utcToday(new Date()));
  return (
    <p class={rule.satisfied ? 'notice ok' : 'notice'} role="status" data-testid="four-week-rule">
      {rule.satisfied
        ? t('deliverable.ruleOk', { days: rule.noticeDays })
        : t('deliverable.ruleBreached', { days: rule.noticeDays, lastDay: formatCalendarDate(rule.lastCompliantDay, formatLocale) })}
    </p>
  );
}

function TransmitForm({
  deliverableId,
  meetings,
  onDone,
}: {
  deliverableId: string;
  meetings: ParentMeeting[];
  onDone: (position: string, message?: string) => void;
}) {
  const { t, formatLocale, session } = useApp();
  const today = utcToday(new Date());
  const upcoming = meetings.filter((m) => m.startsOn >= today);
  const form = useForm({ parentMeetingId: upcoming[0]?.id ?? '' });
  const chosen = upcoming.find((m) => m.id === form.values.parentMeetingId);
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.transmit(session?.token, key, deliverableId, {
        parentMeetingId: values.parentMeetingId,
      });
      // The form goes away once the deliverable is transmitted: the page says it worked.
      onDone(receipt.position, t('deliverable.transmitted'));
      return undefined;
    });
  };
  if (upcoming.length === 0) return <p class="notice">{t('deliverable.noParentMeeting')}</p>;
  return (
    <form onSubmit={onSubmit} noValidate class="panel" data-testid="transmit">
      <h2>{t('deliverable.transmit')}</h2>
      <FormStatus general={form.general} done={form.done} />
      <Field label={t('deliverable.parentMeeting')} name="parentMeetingId" error={form.errors.parentMeetingId} required>
        {(props) => (
          <select {...props} value={form.values.parentMeetingId} onChange={(e) => form.set('parentMeetingId', e.currentTarget.value)}>
            {upcoming.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title} ({formatCalendarDate(m.startsOn, formatLocale)})
              </option>
            ))}
          </select>
        )}
      </Field>
      {chosen ? <NoticeRule startsOn={chosen.startsOn} /> : null}
      <button type="submit" disabled={form.submitting}>
        {t('deliverable.transmit')}
      </button>
    </form>
  );
}

export function DeliverablePage({ params, search }: PageProps) {
  const { t, session, seenPosition, noteWrite } = useApp();
  const asOf = asOfParam(search);
  const [flash, setFlash] = useState<string | undefined>();
  const { data, error, loading, reload } = useQuery(DeliverableQuery, {
    id: params.deliverableId!,
    asOf,
    atLeast: seenPosition,
  });
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const d = data?.deliverable;
  if (!d) return <p>{t('common.notFound')}</p>;
  const group = d.group;
  const chair = group ? isChair(session, group.id) : false;
  const live = !asOf;
  const latestDraft = d.drafts[d.drafts.length - 1];
  const approved = d.approvals[d.approvals.length - 1];
  const lastTransmittal = d.transmittals[d.transmittals.length - 1];
  const transmittable =
    approved && (!lastTransmittal || lastTransmittal.version < approved.version || lastTransmittal.status === 'RETURNED');
  const onWrite = (position: string, message?: string) => {
    noteWrite(position);
    setFlash(message);
    reload();
  };

  return (
    <>
      <p class="form-done" role="status">
        {flash ?? ''}
      </p>
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          ...(group ? [{ href: `/groups/${encodeURIComponent(group.id)}`, label: group.acronym }] : []),
          { label: d.title },
        ]}
      />
      <h1>{d.title}</h1>
      <p>
        <span class="badge" data-testid="deliverable-status">
          {t(deliverableStatus(d))}
        </span>
      </p>
      <AsOfControl asOf={asOf} historyHref={`/history/deliverable/${d.id}`} />
      {d.editors.length > 0 ? (
        <p>
          {t('deliverable.editors')}: {d.editors.join(', ')}
        </p>
      ) : null}

      <section aria-labelledby="drafts-heading">
        <h2 id="drafts-heading">{t('deliverable.drafts')}</h2>
        {d.drafts.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        <ol class="cards">
          {d.drafts.map((draft) => (
            <li key={draft.version}>
              <strong>{t('deliverable.draft', { version: draft.version, number: draft.number })}</strong> ·{' '}
              <DateTime value={draft.publishedAt} />
              {draft.note ? <p>{draft.note}</p> : null}
              <DocumentLink document={draft.document} />
              {draft.buildsOn.length > 0 ? (
                <p>
                  {t('deliverable.buildsOn')}:{' '}
                  {draft.buildsOn.map((c, i) => (
                    <span key={c.id}>
                      {i > 0 ? ', ' : ''}
                      <a href={`/contributions/${c.id}`}>{c.number}</a>
                    </span>
                  ))}
                </p>
              ) : null}
            </li>
          ))}
        </ol>
      </section>

      {live && group && session && (d.editors.includes(session.person) || chair) ? (
        <PublishDraftForm deliverableId={d.id} groupId={group.id} onDone={onWrite} />
      ) : null}

      <section aria-labelledby="calls-heading">
        <h2 id="calls-heading">{t('groups.consensusCalls')}</h2>
        {d.consensusCalls.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        <ul>
          {d.consensusCalls.map((call) => {
            const decision = call.decisions.find((x) => x.inForce);
            return (
              <li key={call.id}>
                <a href={`/calls/${call.id}`}>{call.question}</a>
                {decision ? <span class="badge ok"> {t(enumLabel('decision.outcome', decision.outcome))}</span> : null}
              </li>
            );
          })}
        </ul>
        {chair && live && latestDraft ? (
          <OpenCallForm
            groupId={group!.id}
            subject={{ kind: 'deliverable', id: d.id, version: latestDraft.version }}
            heading={t('deliverable.openCall', { version: latestDraft.version })}
          />
        ) : null}
      </section>

      {approved ? (
        <section aria-labelledby="approval-heading">
          <h2 id="approval-heading">{t('inbox.decision')}</h2>
          {approved.decision ? (
            <p>
              <strong>{t(enumLabel('decision.outcome', approved.decision.outcome))}</strong> ·{' '}
              <DateTime value={approved.decision.decidedAt} />
              <br />
              {approved.decision.summary}
            </p>
          ) : null}
        </section>
      ) : null}

      {d.transmittals.length > 0 ? (
        <section aria-labelledby="transmittals-heading">
          <h2 id="transmittals-heading">{t('deliverable.transmittals')}</h2>
          <ul>
            {d.transmittals.map((tr) => (
              <li key={tr.id}>
                v{tr.version} · <DateTime value={tr.transmittedAt} /> · {t(enumLabel('deliverable.status', tr.status === 'PENDING' ? 'TRANSMITTED' : tr.status))}
                {tr.statusNote ? ` · ${tr.statusNote}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {chair && live && transmittable && group?.parent ? (
        <TransmitForm
          deliverableId={d.id}
          meetings={group.parent.meetings}
          onDone={onWrite}
        />
      ) : null}
    </>
  );
}
