// The six ITU languages: catalogues, the reader's choice, text direction and message lookup.

import { en, type MessageKey, type Messages } from './en';
import { ar } from './ar';
import { zh } from './zh';
import { fr } from './fr';
import { ru } from './ru';
import { es } from './es';

export type { MessageKey, Messages };

export const LOCALES = ['ar', 'zh', 'en', 'fr', 'ru', 'es'] as const;
export type Locale = (typeof LOCALES)[number];

/** Languages whose catalogues must be complete; the others fall back to English. */
export const COMPLETE_LOCALES: readonly Locale[] = ['en', 'ar', 'zh'];

export const CATALOGUES: Record<Locale, Partial<Messages>> = { en, ar, zh, fr, ru, es };

/** Each language's name in itself, for the language menu. */
export const LANGUAGE_NAMES: Record<Locale, string> = {
  ar: 'العربية',
  zh: '中文',
  en: 'English',
  fr: 'Français',
  ru: 'Русский',
  es: 'Español',
};

const RTL: ReadonlySet<Locale> = new Set(['ar']);

export function direction(locale: Locale): 'rtl' | 'ltr' {
  return RTL.has(locale) ? 'rtl' : 'ltr';
}

export function isLocale(value: string | null | undefined): value is Locale {
  return (LOCALES as readonly string[]).includes(value ?? '');
}

/** The first of the reader's preferred languages that we have, by primary subtag. */
export function negotiateLocale(preferred: readonly string[]): Locale {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return 'en';
}

/** Message lookup with `{name}` placeholders; a missing translation falls back to English. */
export function translate(
  locale: Locale,
  key: MessageKey,
  params?: Record<string, string | number>,
): string {
  const template = CATALOGUES[locale][key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Sets `lang` and `dir` on the page so that the browser and screen readers follow the language. */
export function applyToDocument(root: HTMLElement, locale: Locale): void {
  root.lang = locale;
  root.dir = direction(locale);
}

export const LOCALE_STORAGE_KEY = 'plenary.locale';
