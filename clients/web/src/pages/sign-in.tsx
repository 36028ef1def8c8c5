// Signing in: pick a demo person, sign in with OpenID Connect, or paste a token.

import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { fetchDemoPeople, type DemoPerson } from '../api/demo';
import { Field } from '../components/form';
import { completeSignIn, oidcSettings, startSignIn } from '../lib/oidc';
import { navigate } from '../lib/router';
import { looksLikeJwt, sessionFromToken } from '../lib/session';
import type { PageProps } from '../app';

const OIDC = oidcSettings(import.meta.env as Record<string, string | undefined>);

function returnTo(search: URLSearchParams): string {
  const next = search.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export function SignInPage({ search }: PageProps) {
  const { t, signIn } = useApp();
  const [people, setPeople] = useState<DemoPerson[] | undefined>();
  const [token, setToken] = useState('');
  const [tokenError, setTokenError] = useState<string | undefined>();

  useEffect(() => {
    const controller = new AbortController();
    fetchDemoPeople(controller.signal).then(setPeople, () => setPeople(undefined));
    return () => controller.abort();
  }, []);

  const useToken = (event: Event) => {
    event.preventDefault();
    const session = looksLikeJwt(token) ? sessionFromToken(token, 'token') : undefined;
    if (!session) {
      setTokenError(t('signIn.tokenInvalid'));
      return;
    }
    signIn(session);
    navigate(returnTo(search));
  };

  return (
    <>
      <h1>{t('signIn.title')}</h1>
      {people && people.length > 0 ? (
        <section aria-labelledby="demo-heading">
          <h2 id="demo-heading">{t('signIn.demo')}</h2>
          <p>{t('signIn.demoHint')}</p>
          <ul class="cards">
            {people.map((p) => (
              <li key={p.person}>
                <button
                  type="button"
                  class="secondary"
                  data-person={p.person}
                  onClick={() => {
                    const session = sessionFromToken(p.token, 'demo', p.displayName);
                    if (session) {
                      signIn(session);
                      navigate(returnTo(search));
                    }
                  }}
                >
                  {t('signIn.as', { name: p.displayName })}
                </button>
                {p.organisation || p.description ? (
                  <p class="muted">{[p.organisation, p.description].filter(Boolean).join(' · ')}</p>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {OIDC ? (
        <section>
          <h2>{t('signIn.oidc')}</h2>
          <button type="button" onClick={() => void startSignIn(OIDC)}>
            {t('signIn.oidc')}
          </button>
        </section>
      ) : null}
      <section aria-labelledby="token-heading">
        <h2 id="token-heading">{t('signIn.token')}</h2>
        <form onSubmit={useToken} noValidate>
          <Field label={t('signIn.tokenLabel')} name="token" hint={t('signIn.tokenHint')} error={tokenError} required>
            {(props) => (
              <textarea
                {...props}
                value={token}
                autocomplete="off"
                spellcheck={false}
                onInput={(e) => {
                  setToken(e.currentTarget.value);
                  setTokenError(undefined);
                }}
              />
            )}
          </Field>
          <button type="submit">{t('signIn.useToken')}</button>
        </form>
      </section>
      <p>
        {t('signIn.anonymous')} <a href="/">{t('signIn.continue')}</a>
      </p>
    </>
  );
}

export function OidcCallbackPage() {
  const { t, signIn } = useApp();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!OIDC) return;
    completeSignIn(OIDC)
      .then(({ accessToken, name }) => {
        const session = sessionFromToken(accessToken, 'oidc', name);
        if (!session) throw new Error('the access token is not a JWT');
        signIn(session);
        navigate('/', true);
      })
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  }, [signIn]);
  return error ? (
    <p class="form-error" role="alert">
      {t('signIn.callbackFailed', { message: error })}
    </p>
  ) : (
    <p role="status">{t('common.loading')}</p>
  );
}
