// What every page needs: the language, the signed-in person, and the API clients bound to them.

import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Client } from 'graphql-ws';
import {
  applyToDocument,
  isLocale,
  LOCALE_STORAGE_KEY,
  negotiateLocale,
  translate,
  type Locale,
  type Translate,
} from './i18n';
import { loadSession, saveSession, type Session } from './lib/session';
import { createSubscriptionClient } from './api/graphql';

export interface AppContextValue {
  locale: Locale;
  /**
   * The locale dates and numbers are written in: the reader's own regional variant of the
   * interface language when the browser names one (`en-GB`, `ar-EG`), else the language itself.
   */
  formatLocale: string;
  setLocale: (locale: Locale) => void;
  t: Translate;
  /** The reader's IANA time zone, as the browser reports it. */
  timeZone: string;
  session: Session | undefined;
  signIn: (session: Session) => void;
  signOut: () => void;
  subscriptions: Client;
  /** Whether the live-update connection is open (it opens when a page subscribes). */
  live: boolean;
  /**
   * The global position of the latest write this page made: queries ask to see at least this
   * position so that a person always reads their own write.
   */
  seenPosition: string | undefined;
  noteWrite: (position: string | undefined) => void;
}

/** Positions are opaque tokens; numeric ones are compared as numbers, others replace the old one. */
export function laterPosition(seen: string | undefined, next: string): string {
  if (seen === undefined) return next;
  if (/^\d+$/.test(seen) && /^\d+$/.test(next)) return BigInt(next) > BigInt(seen) ? next : seen;
  return next;
}

export function regionalVariant(locale: Locale, preferred: readonly string[]): string {
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === locale) ?? locale;
}

const AppContext = createContext<AppContextValue | undefined>(undefined);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp outside <AppProvider>');
  return value;
}

function initialLocale(): Locale {
  const stored = localStorage.getItem(LOCALE_STORAGE_KEY);
  if (isLocale(stored)) return stored;
  return negotiateLocale(navigator.languages ?? [navigator.language]);
}

export function AppProvider({ children }: { children: ComponentChildren }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  const [session, setSession] = useState<Session | undefined>(() => loadSession(localStorage, Date.now()));
  const [seenPosition, setSeenPosition] = useState<string | undefined>(undefined);
  const timeZone = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone, []);

  useEffect(() => applyToDocument(document.documentElement, locale), [locale]);

  const setLocale = useCallback((next: Locale) => {
    localStorage.setItem(LOCALE_STORAGE_KEY, next);
    setLocaleState(next);
  }, []);
  const t = useCallback<Translate>((key, params) => translate(locale, key, params), [locale]);
  const formatLocale = useMemo(() => regionalVariant(locale, navigator.languages ?? [navigator.language]), [locale]);

  const signIn = useCallback((next: Session) => {
    saveSession(localStorage, next);
    setSession(next);
  }, []);
  const signOut = useCallback(() => {
    saveSession(localStorage, undefined);
    setSession(undefined);
  }, []);

  const token = session?.token;
  const subscriptions = useMemo(() => createSubscriptionClient(token), [token]);
  const previous = useRef<Client | undefined>(undefined);
  const [live, setLive] = useState(false);
  useEffect(() => {
    const old = previous.current;
    previous.current = subscriptions;
    if (old && old !== subscriptions) void old.dispose();
    setLive(false);
    const offConnected = subscriptions.on('connected', () => setLive(true));
    const offClosed = subscriptions.on('closed', () => setLive(false));
    return () => {
      offConnected();
      offClosed();
    };
  }, [subscriptions]);

  const noteWrite = useCallback((position: string | undefined) => {
    if (position === undefined) return;
    setSeenPosition((seen) => laterPosition(seen, position));
  }, []);

  const value: AppContextValue = {
    locale,
    formatLocale,
    setLocale,
    t,
    timeZone,
    session,
    signIn,
    signOut,
    subscriptions,
    live,
    seenPosition,
    noteWrite,
  };
  return <AppContext.Provider value={value}>{children}</AppContext.Provider>;
}

/** For component tests: a context built from given parts. */
export function TestAppProvider({
  value,
  children,
}: {
  value: Partial<AppContextValue> & { locale: Locale };
  children: ComponentChildren;
}) {
  const full: AppContextValue = {
    formatLocale: value.locale,
    setLocale: () => undefined,
    t: (key, params) => translate(value.locale, key, params),
    timeZone: 'UTC',
    session: undefined,
    signIn: () => undefined,
    signOut: () => undefined,
    subscriptions: undefined as unknown as Client,
    live: false,
    seenPosition: undefined,
    noteWrite: () => undefined,
    ...value,
  };
  return <AppContext.Provider value={full}>{children}</AppContext.Provider>;
}
