// Any entity's history: every event of its stream, with a link to the entity as it stood then.

import { useApp } from '../app-context';
import { AuditTrailQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { AsOfControl, asOfParam, Breadcrumbs } from '../components/common';
import { AuditTable } from '../components/audit';
import { ErrorMessage, Loading } from '../components/status';
import type { PageProps } from '../app';

/** Entity kinds with a history page: the stream name's prefix and the entity's own page. */
const KINDS: Record<string, { stream: string; href?: (id: string) => string }> = {
  group: { stream: 'group', href: (id) => `/groups/${encodeURIComponent(id)}` },
  meeting: { stream: 'meeting', href: (id) => `/meetings/${id}` },
  contribution: { stream: 'contribution', href: (id) => `/contributions/${id}` },
  thread: { stream: 'thread' },
  consensus: { stream: 'consensus', href: (id) => `/calls/${id}` },
  deliverable: { stream: 'deliverable', href: (id) => `/deliverables/${id}` },
};

export function streamOf(kind: string, id: string): string | undefined {
  const known = KINDS[kind];
  return known ? `${known.stream}-${id}` : undefined;
}

export function HistoryPage({ params, search }: PageProps) {
  const { t } = useApp();
  const asOf = asOfParam(search);
  const kind = params.kind!;
  const id = params.id!;
  const stream = streamOf(kind, id);
  const { data, error, loading, reload } = useQuery(AuditTrailQuery, { stream: stream ?? '', asOf }, { skip: !stream });
  if (!stream) return <p>{t('common.notFound')}</p>;
  const href = KINDS[kind]?.href?.(id);
  return (
    <>
      <Breadcrumbs
        items={[{ href: '/', label: t('nav.groups') }, ...(href ? [{ href, label: id }] : []), { label: t('history.title') }]}
      />
      <h1>{t('history.of', { name: stream })}</h1>
      <AsOfControl asOf={asOf} />
      {loading && !data ? <Loading /> : null}
      {error ? <ErrorMessage error={error} onRetry={reload} /> : null}
      {data ? (
        <>
          <AuditTable events={data.auditTrail} entityHref={href} caption={t('history.of', { name: stream })} />
          <details>
            <summary>JSON</summary>
            <pre class="mono">{JSON.stringify(data.auditTrail.map((e) => ({ type: e.type, payload: e.payload })), null, 2)}</pre>
          </details>
        </>
      ) : null}
    </>
  );
}
