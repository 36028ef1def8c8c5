// The group tree: parent groups, the focus groups and initiatives under them, their working groups.

import { useApp } from '../app-context';
import { GroupsQuery } from '../api/operations';
import { useQuery } from '../api/hooks';
import { AsOfControl, asOfParam } from '../components/common';
import { ErrorMessage, Loading } from '../components/status';
import { enumLabel } from '../lib/labels';
import type { PageProps } from '../app';

interface GroupNode {
  id: string;
  name: string;
  acronym: string;
  kind: string;
  children?: GroupNode[];
}

function GroupTree({ groups }: { groups: GroupNode[] }) {
  const { t } = useApp();
  return (
    <ul class="tree">
      {groups.map((g) => (
        <li key={g.id}>
          <a href={`/groups/${encodeURIComponent(g.id)}`}>
            {g.acronym}: {g.name}
          </a>{' '}
          <span class="badge">{t(enumLabel('groups.kind', g.kind))}</span>
          {g.children && g.children.length > 0 ? <GroupTree groups={g.children} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function GroupsPage({ search }: PageProps) {
  const { t, session } = useApp();
  const asOf = asOfParam(search);
  const { data, error, loading, reload } = useQuery(GroupsQuery, { asOf });
  return (
    <>
      <h1>{t('groups.title')}</h1>
      {!session ? (
        <p>
          <a href="/signin">{t('nav.signIn')}</a>
        </p>
      ) : null}
      <AsOfControl asOf={asOf} />
      {loading && !data ? <Loading /> : null}
      {error ? <ErrorMessage error={error} onRetry={reload} /> : null}
      {data ? <GroupTree groups={data.groups} /> : null}
    </>
  );
}
