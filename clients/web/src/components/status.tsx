// Loading, error and not-found states shown the same way on every page.

import { useApp } from '../app-context';
import { ApiError } from '../lib/problem';
import { explain } from './form';

export function Loading() {
  const { t } = useApp();
  return (
    <p class="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useApp();
  return (
    <div class="form-error" role="alert">
      <p>{explain(error, t)}</p>
      {error instanceof ApiError && (error.status === 401 || error.problem.code === 'UNAUTHENTICATED') ? (
        <a href={`/signin?next=${encodeURIComponent(window.location.pathname)}`}>{t('nav.signIn')}</a>
      ) : null}
      {onRetry ? (
        <button type="button" class="secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function NotFound() {
  const { t } = useApp();
  return (
    <>
      <h1>{t('common.notFound')}</h1>
      <p>
        <a href="/">{t('nav.groups')}</a>
      </p>
    </>
  );
}
