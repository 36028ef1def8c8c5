// The layout (skip link, navigation, language, who is signed in) and the route table.

import type { ComponentType } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { AppProvider, useApp } from './app-context';
import { LANGUAGE_NAMES, LOCALES, isLocale } from './i18n';
import { interceptLinks, matchPath, useLocation, type Params } from './lib/router';
import { SignInPage, OidcCallbackPage } from './pages/sign-in';
import { GroupsPage } from './pages/groups';
import { GroupPage } from './pages/group';
import { AnnounceMeetingPage } from './pages/announce-meeting';
import { MeetingPage } from './pages/meeting';
import { SubmitContributionPage } from './pages/submit-contribution';
import { ContributionPage } from './pages/contribution';
import { ConsensusCallPage } from './pages/consensus-call';
import { DeliverablePage } from './pages/deliverable';
import { InboxChooserPage, InboxPage } from './pages/inbox';
import { HistoryPage } from './pages/history';
import { NotFound } from './components/status';

export interface PageProps {
  params: Params;
  search: URLSearchParams;
}

const ROUTES: [string, ComponentType<PageProps>][] = [
  ['/', GroupsPage],
  ['/signin', SignInPage],
  ['/inbox', InboxChooserPage],
  ['/auth/callback', OidcCallbackPage],
  ['/groups/:groupId', GroupPage],
  ['/groups/:groupId/announce', AnnounceMeetingPage],
  ['/groups/:groupId/inbox', InboxPage],
  ['/meetings/:meetingId', MeetingPage],
  ['/meetings/:meetingId/submit', SubmitContributionPage],
  ['/contributions/:contributionId', ContributionPage],
  ['/calls/:callId', ConsensusCallPage],
  ['/deliverables/:deliverableId', DeliverablePage],
  ['/history/:kind/:id', HistoryPage],
];

function resolve(pathname: string): { Page: ComponentType<PageProps>; params: Params } {
  for (const [pattern, Page] of ROUTES) {
    const params = matchPath(pattern, pathname);
    if (params) return { Page, params };
  }
  return { Page: NotFound, params: {} };
}

function TopBar() {
  const { t, locale, setLocale, session, signOut } = useApp();
  return (
    <header class="topbar">
      <a class="brand" href="/">
        {t('nav.home')}
      </a>
      <nav aria-label={t('nav.main')}>
        <ul>
          <li>
            <a href="/">{t('nav.groups')}</a>
          </li>
          <li>
            <a href="/inbox">{t('nav.inbox')}</a>
          </li>
        </ul>
      </nav>
      <select
          value={locale}
          aria-label={t('nav.language')}
          onChange={(e) => {
            const next = e.currentTarget.value;
            if (isLocale(next)) setLocale(next);
          }}
        >
          {LOCALES.map((l) => (
            <option value={l} lang={l} key={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
      </select>
      {session ? (
        <>
          <span class="who" data-testid="signed-in-as">
            {t('nav.signedInAs', { name: session.displayName })}
          </span>
          <button type="button" onClick={signOut}>
            {t('nav.signOut')}
          </button>
        </>
      ) : (
        <a href="/signin">{t('nav.signIn')}</a>
      )}
    </header>
  );
}

function Routes() {
  const location = useLocation();
  const { Page, params } = resolve(location.pathname);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a navigation, move focus to the new page so keyboard and screen-reader users start there.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [location.pathname]);

  useEffect(() => interceptLinks(document.body), []);

  return (
    <main id="content" tabIndex={-1} ref={main}>
      <Page key={location.pathname} params={params} search={location.search} />
    </main>
  );
}

function Layout() {
  const { t } = useApp();
  return (
    <>
      <a class="skip-link" href="#content">
        {t('nav.skip')}
      </a>
      <TopBar />
      <Routes />
    </>
  );
}

export function App() {
  return (
    <AppProvider>
      <Layout />
    </AppProvider>
  );
}
