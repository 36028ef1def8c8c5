// A consensus call: positions arriving live, stating one's own, and the chair recording the decision
// with each objection and what became of it.

import { useApp } from '../app-context';
import { ConsensusCallQuery, DecisionRecordedSubscription, PositionStatedSubscription } from '../api/operations';
import { useQuery, useSubscription } from '../api/hooks';
import { commands } from '../api/commands';
import { AsOfControl, asOfParam, Breadcrumbs, DateTime, LiveStatus, useLiveNotice } from '../components/common';
import { Field, FormStatus, useForm } from '../components/form';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import type { Disposition, Outcome, Stance } from '../gql/graphql';
import type { components } from '../api/openapi';
import { isChair } from '../lib/session';
import { formatDateTime, formatUtc } from '../lib/time';
import type { PageProps } from '../app';

type Rest = components['schemas'];

/** The query service's enum values and the command API's spelling of them, checked both ways by the compiler. */
const STANCE: Record<Stance, Rest['Stance']> = { SUPPORT: 'support', OBJECT: 'object', STAND_ASIDE: 'standAside' };
const OUTCOME: Record<Outcome, Rest['Outcome']> = {
  AGREED: 'agreed',
  AGREED_WITH_MODIFICATIONS: 'agreedWithModifications',
  NOT_AGREED: 'notAgreed',
  NOTED: 'noted',
  FURTHER_STUDY: 'furtherStudy',
  POSTPONED: 'postponed',
};
const DISPOSITION: Record<Disposition, Rest['Disposition']> = {
  WITHDRAWN: 'withdrawn',
  RESOLVED: 'resolved',
  OVERRULED: 'overruled',
  SUSTAINED: 'sustained',
};
const STANCES = Object.keys(STANCE) as Stance[];
const OUTCOMES = Object.keys(OUTCOME) as Outcome[];
const DISPOSITIONS = Object.keys(DISPOSITION) as Disposition[];

interface Position {
  participant: string;
  stance: string;
  reason?: string | null;
}

export function tally(positions: readonly Position[]): Record<Stance, number> {
  const out = { SUPPORT: 0, OBJECT: 0, STAND_ASIDE: 0 };
  for (const p of positions) if (p.stance in out) out[p.stance as keyof typeof out] += 1;
  return out;
}

function StatePositionForm({ callId, current, onDone }: { callId: string; current?: Position; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  const form = useForm({ stance: (current?.stance ?? 'SUPPORT') as Stance, reason: current?.reason ?? '' });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.statePosition(session?.token, key, callId, {
        stance: STANCE[values.stance],
        reason: values.reason.trim() || undefined,
      });
      onDone(receipt.position);
      return t('consensus.stated');
    });
  };
  return (
    <form onSubmit={onSubmit} noValidate class="panel" data-testid="state-position">
      <h2>{t('consensus.yourPosition')}</h2>
      <FormStatus general={form.general} done={form.done} />
      <fieldset aria-invalid={form.errors.stance ? 'true' : undefined}>
        <legend>{t('consensus.stance')}</legend>
        <div class="radio-row">
          {STANCES.map((stance) => (
            <label key={stance}>
              <input
                type="radio"
                name="stance"
                value={stance}
                checked={form.values.stance === stance}
                onChange={() => form.set('stance', stance)}
              />
              {t(enumLabel('consensus.stance', stance))}
            </label>
          ))}
        </div>
        {form.errors.stance ? <p class="field-error">{form.errors.stance}</p> : null}
      </fieldset>
      <Field label={t('consensus.reason')} name="reason" error={form.errors.reason} required={form.values.stance === 'OBJECT'}>
        {(props) => <textarea {...props} value={form.values.reason} onInput={(e) => form.set('reason', e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.submitting}>
        {t('consensus.state')}
      </button>
    </form>
  );
}

function RecordDecisionForm({ callId, objections, onDone }: { callId: string; objections: Position[]; onDone: (position: string) => void }) {
  const { t, session } = useApp();
  // Objections may arrive while the chair types: each gets its defaults when first shown.
  const form = useForm<Record<string, string>>(
    { outcome: 'AGREED', summary: '' },
    (field) => field === 'outcome' || field === 'summary' || field.startsWith('objections.'),
  );
  const disposition = (i: number) => form.values[`objections.${i}.disposition`] ?? 'RESOLVED';
  const note = (i: number) => form.values[`objections.${i}.note`] ?? '';
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.recordDecision(session?.token, key, callId, {
        outcome: OUTCOME[values.outcome as Outcome],
        summary: values.summary!,
        objections: objections.map((o, i) => ({
          participant: o.participant,
          reason: o.reason ?? '',
          disposition: DISPOSITION[(values[`objections.${i}.disposition`] ?? 'RESOLVED') as Disposition],
          note: values[`objections.${i}.note`]?.trim() || undefined,
        })),
      });
      onDone(receipt.position);
      return t('decision.recorded');
    });
  };
  return (
    <form onSubmit={onSubmit} noValidate class="panel" data-testid="record-decision">
      <h2>{t('decision.record')}</h2>
      <FormStatus general={form.general} done={form.done} />
      <Field label={t('decision.outcome')} name="outcome" error={form.errors.outcome} required>
        {(props) => (
          <select {...props} value={form.values.outcome} onChange={(e) => form.set('outcome', e.currentTarget.value)}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(enumLabel('decision.outcome', o))}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('decision.summary')} name="summary" error={form.errors.summary} required>
        {(props) => <textarea {...props} value={form.values.summary} onInput={(e) => form.set('summary', e.currentTarget.value)} />}
      </Field>
      <fieldset>
        <legend>{t('decision.objections')}</legend>
        {objections.length === 0 ? <p class="muted">{t('decision.noObjections')}</p> : null}
        {objections.map((o, i) => (
          <div key={o.participant} class="objection">
            <p>{t('decision.objectionBy', { name: o.participant, reason: o.reason ?? '' })}</p>
            <Field label={t('decision.disposition')} name={`objections.${i}.disposition`} error={form.errors[`objections.${i}.disposition`]}>
              {(props) => (
                <select
                  {...props}
                  value={disposition(i)}
                  onChange={(e) => form.set(`objections.${i}.disposition`, e.currentTarget.value)}
                >
                  {DISPOSITIONS.map((d) => (
                    <option key={d} value={d}>
                      {t(enumLabel('decision.disposition', d))}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('decision.note')} name={`objections.${i}.note`} error={form.errors[`objections.${i}.note`]}>
              {(props) => (
                <input
                  {...props}
                  value={note(i)}
                  onInput={(e) => form.set(`objections.${i}.note`, e.currentTarget.value)}
                />
              )}
            </Field>
          </div>
        ))}
      </fieldset>
      <button type="submit" disabled={form.submitting}>
        {t('decision.record')}
      </button>
    </form>
  );
}

export function subjectHref(subject: { kind: string; id: string }): string {
  switch (subject.kind) {
    case 'CONTRIBUTION':
      return `/contributions/${subject.id}`;
    case 'DELIVERABLE':
      return `/deliverables/${subject.id}`;
    default:
      return `/meetings/${subject.id}`;
  }
}

export function ConsensusCallPage({ params, search }: PageProps) {
  const { t, formatLocale, timeZone, session, seenPosition, noteWrite } = useApp();
  const asOf = asOfParam(search);
  const id = params.callId!;
  const { data, error, loading, reload } = useQuery(ConsensusCallQuery, { id, asOf, atLeast: seenPosition });
  const [notice, announce] = useLiveNotice();
  const live = !asOf;
  const subjectId = data?.consensusCall?.subject.id;
  useSubscription(
    PositionStatedSubscription,
    { call: id },
    (event) => {
      reload();
      const p = event.positionStated;
      announce(t('consensus.newPosition', { name: p.participant, stance: t(enumLabel('consensus.stance', p.stance)) }));
    },
    { skip: !live },
  );
  useSubscription(
    DecisionRecordedSubscription,
    { subject: subjectId },
    (event) => {
      reload();
      announce(t('decision.newLive', { outcome: t(enumLabel('decision.outcome', event.decisionRecorded.outcome)) }));
    },
    { skip: !live || !subjectId },
  );

  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const call = data?.consensusCall;
  if (!call) return <p>{t('common.notFound')}</p>;
  const chair = isChair(session, call.groupId);
  const open = new Date(call.closesAt).getTime() > Date.now();
  const decided = call.decisions.some((d) => d.inForce);
  const mine = call.positions.find((p) => p.participant === session?.person);
  const counts = tally(call.positions);
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
          { href: `/groups/${encodeURIComponent(call.groupId)}`, label: call.groupId },
          { href: subjectHref(call.subject), label: t('consensus.subject') },
          { label: t('consensus.title') },
        ]}
      />
      <h1>{t('consensus.title')}</h1>
      <p class="question">{call.question}</p>
      <dl class="facts">
        <dt>{t('consensus.subject')}</dt>
        <dd>
          <a href={subjectHref(call.subject)}>{call.subject.agendaItem ?? call.subject.id}</a>
          {call.subject.version ? ` (v${call.subject.version})` : ''}
        </dd>
        <dt>{t('consensus.closesAt')}</dt>
        <dd>
          {t('common.yourTime', { time: formatDateTime(call.closesAt, formatLocale, timeZone) })} · {formatUtc(call.closesAt, formatLocale)}
          {!open ? <span class="badge"> {t('consensus.closed')}</span> : null}
        </dd>
      </dl>
      {live ? <LiveStatus /> : null}
      <AsOfControl asOf={asOf} historyHref={`/history/consensus/${call.id}`} />

      <section aria-labelledby="positions-heading">
        <h2 id="positions-heading">{t('consensus.positions')}</h2>
        <p data-testid="tally">
          {t('consensus.tally', { support: counts.SUPPORT, object: counts.OBJECT, standAside: counts.STAND_ASIDE })}
        </p>
        <ul class="cards" data-testid="positions">
          {call.positions.map((p) => (
            <li key={p.participant}>
              <strong>
                <bdi>{p.participant}</bdi>
              </strong>
              : {t(enumLabel('consensus.stance', p.stance))}
              {p.reason ? <> · {p.reason}</> : null} · <DateTime value={p.statedAt} />
              {call.positionHistory
                .filter((h) => h.participant === p.participant && !h.current)
                .map((h, i) => (
                  <div key={i} class="muted">
                    {t('consensus.earlier', { stance: t(enumLabel('consensus.stance', h.stance)) })} · <DateTime value={h.statedAt} />
                  </div>
                ))}
            </li>
          ))}
        </ul>
      </section>

      {session && live && open && !decided ? <StatePositionForm callId={call.id} current={mine} onDone={onWrite} /> : null}

      <section aria-labelledby="decisions-heading">
        <h2 id="decisions-heading">{t('decision.title')}</h2>
        {call.decisions.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        {call.decisions.map((d) => (
          <article key={d.id} class="panel" data-testid="decision">
            <p>
              <strong>{t(enumLabel('decision.outcome', d.outcome))}</strong> · <DateTime value={d.decidedAt} />
              {!d.inForce ? <span class="muted"> ({t('decision.corrects')})</span> : null}
            </p>
            <p>{d.summary}</p>
            {d.correctionReason ? <p class="muted">{d.correctionReason}</p> : null}
            {d.objections.length > 0 ? (
              <ul>
                {d.objections.map((o) => (
                  <li key={o.participant}>
                    {t('decision.objectionBy', { name: o.participant, reason: o.reason })} ({t(enumLabel('decision.disposition', o.disposition))})
                    {o.note ? ` (${o.note})` : ''}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted">{t('decision.noObjections')}</p>
            )}
          </article>
        ))}
      </section>

      {chair && live && !decided ? (
        <RecordDecisionForm
          callId={call.id}
          objections={call.positions.filter((p) => p.stance === 'OBJECT')}
          onDone={onWrite}
        />
      ) : null}
    </>
  );
}
