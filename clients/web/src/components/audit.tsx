// An audit trail as a table: every event that shaped an entity, who and when, its place in the log
// and its hashes, with a link to see the entity as it stood right after it.

import { useApp } from '../app-context';
import { DateTime } from './common';

export interface AuditEventView {
  id: string;
  type: string;
  schemaVersion: number;
  revision: number;
  position: string;
  recordedAt: string;
  actor: { subject: string; displayName: string; roles: string[] };
  previousHash?: string | null;
  hash: string;
}

export function AuditTable({ events, entityHref, caption }: { events: AuditEventView[]; entityHref?: string; caption: string }) {
  const { t } = useApp();
  return (
    <div class="table-wrap">
      <table data-testid="audit-trail">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('history.event')}</th>
            <th scope="col">{t('history.actor')}</th>
            <th scope="col">{t('history.time')}</th>
            <th scope="col">{t('history.position')}</th>
            <th scope="col">{t('history.hash')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id}>
              <td>
                <code class="event-type">{e.type}</code>
                {entityHref ? (
                  <>
                    <br />
                    <a href={`${entityHref}?asOf=${encodeURIComponent(e.position)}`}>{t('history.showAsOf')}</a>
                  </>
                ) : null}
              </td>
              <td>
                {e.actor.displayName}
                {e.actor.roles.length > 0 ? <div class="muted">{e.actor.roles.join(', ')}</div> : null}
              </td>
              <td>
                <DateTime value={e.recordedAt} />
              </td>
              <td>{e.position}</td>
              <td class="mono" title={e.hash}>
                {e.hash.slice(0, 16)}…
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
