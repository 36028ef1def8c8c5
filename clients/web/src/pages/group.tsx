// One group: terms of reference, leadership, meetings with their deadlines, deliverables, participants.

import { useApp } from '../app-context';
import { GroupParticipantsQuery, GroupQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { AsOfControl, asOfParam, Breadcrumbs, CalendarDate } from '../components/common';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import { isChair } from '../lib/session';
import { formatCalendarDate } from '../lib/time';
import { deliverableStatus } from './deliverable';
import type { PageProps } from '../app';

function Participants({ groupId, asOf }: { groupId: string; asOf: string | undefined }) {
  const { t, formatLocale } = useApp();
  const { data, error } = useQuery(GroupParticipantsQuery, { id: groupId, asOf });
  // The list is for members of the group and its parent group; others simply do not see it.
  if (error || !data?.group) return null;
  const number = new Intl.NumberFormat(formatLocale);
  return (
    <section aria-labelledby="participants-heading">
      <h2 id="participants-heading">{t('groups.participants')}</h2>
      <ul class="cards">
        {data.group.participants.map((p) => (
          <li key={p.person}>
            <strong>{p.displayName}</strong> <span class="muted">({p.organisation})</span>
            <br />
            <span class="muted">
              {t('groups.participantCounts', {
                contributions: number.format(p.contributionCount),
                comments: number.format(p.commentCount),
                positions: number.format(p.positionCount),
              })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function GroupPage({ params, search }: PageProps) {
  const { t, formatLocale, session } = useApp();
  const groupId = params.groupId!;
  const asOf = asOfParam(search);
  const { data, error, loading, reload } = useQuery(GroupQuery, { id: groupId, asOf });
  if (loading && !data) return <Loading />;
  if (error) return <ErrorMessage error={error} onRetry={reload} />;
  const group = data?.group;
  if (!group) return <p>{t('common.notFound')}</p>;
  const chair = isChair(session, group.id);
  const tor = group.termsOfReference;
  return (
    <>
      <Breadcrumbs
        items={[
          { href: '/', label: t('nav.groups') },
          ...(group.parent ? [{ href: `/groups/${encodeURIComponent(group.parent.id)}`, label: group.parent.acronym }] : []),
          { label: group.acronym },
        ]}
      />
      <h1>
        {group.acronym}: {group.name}
      </h1>
      <p>
        <span class="badge">{t(enumLabel('groups.kind', group.kind))}</span>
        {group.lifetimeMonths ? <> {t('groups.lifetime', { months: group.lifetimeMonths })}</> : null}
      </p>
      <AsOfControl asOf={asOf} historyHref={`/history/group/${encodeURIComponent(group.id)}`} />
      <div class="actions">
        {chair ? (
          <a class="button" href={`/groups/${encodeURIComponent(group.id)}/announce`}>
            {t('groups.announce')}
          </a>
        ) : null}
        {group.kind === 'PARENT_GROUP' ? (
          <a class="button secondary" href={`/groups/${encodeURIComponent(group.id)}/inbox`}>
            {t('nav.inbox')}
          </a>
        ) : null}
      </div>

      {group.leadership.length > 0 ? (
        <section aria-labelledby="leadership-heading">
          <h2 id="leadership-heading">{t('groups.leadership')}</h2>
          <ul>
            {group.leadership.map((o) => (
              <li key={`${o.person}-${o.role}`}>
                {o.displayName ?? o.person}: {t(enumLabel('groups.role', o.role))}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="meetings-heading">
        <h2 id="meetings-heading">{t('groups.meetings')}</h2>
        {group.meetings.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
        <ul class="cards">
          {group.meetings.map((m) => (
            <li key={m.id}>
              <a href={`/meetings/${m.id}`}>{m.title}</a>
              <br />
              {t('meeting.dates', {
                start: formatCalendarDate(m.startsOn, formatLocale),
                end: formatCalendarDate(m.endsOn, formatLocale),
              })}
              {m.venue ? <> · {m.venue}</> : <> · {t('meeting.remoteOnly')}</>}
              <br />
              <span class="muted">
                {t('meeting.deadline')}: <CalendarDate value={m.contributionDeadline} />
              </span>
            </li>
          ))}
        </ul>
      </section>

      {group.children.length > 0 ? (
        <section aria-labelledby="subgroups-heading">
          <h2 id="subgroups-heading">{t('groups.subgroups')}</h2>
          <ul>
            {group.children.map((c) => (
              <li key={c.id}>
                <a href={`/groups/${encodeURIComponent(c.id)}`}>
                  {c.acronym}: {c.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {group.deliverables.length > 0 ? (
        <section aria-labelledby="deliverables-heading">
          <h2 id="deliverables-heading">{t('groups.deliverables')}</h2>
          <ul>
            {group.deliverables.map((d) => (
              <li key={d.id}>
                <a href={`/deliverables/${d.id}`}>{d.title}</a>{' '}
                <span class="badge">{t(deliverableStatus(d))}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {tor ? (
        <section aria-labelledby="tor-heading">
          <h2 id="tor-heading">{t('groups.termsOfReference')}</h2>
          <h3>{t('groups.objectives')}</h3>
          <ul>
            {tor.objectives.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </section>
      ) : null}

      {session ? <Participants groupId={group.id} asOf={asOf} /> : null}
    </>
  );
}
