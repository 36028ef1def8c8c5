import { describe, expect, it } from 'vitest';
import {
  applyToDocument,
  CATALOGUES,
  COMPLETE_LOCALES,
  direction,
  LOCALES,
  negotiateLocale,
  translate,
} from '.';
import { en, type MessageKey } from './en';

const keys = Object.keys(en) as MessageKey[];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  for (const locale of COMPLETE_LOCALES) {
    it(`${locale} translates every English message`, () => {
      const catalogue = CATALOGUES[locale];
      const missing = keys.filter((key) => !catalogue[key]?.trim());
      expect(missing).toEqual([]);
    });
  }

  for (const locale of LOCALES) {
    it(`${locale} has no message that English lacks`, () => {
      const extra = Object.keys(CATALOGUES[locale]).filter((key) => !(key in en));
      expect(extra).toEqual([]);
    });

    it(`${locale} keeps the placeholders of each English message`, () => {
      const wrong = Object.entries(CATALOGUES[locale])
        .filter(([key, text]) => JSON.stringify(placeholders(text!)) !== JSON.stringify(placeholders(en[key as MessageKey])))
        .map(([key]) => key);
      expect(wrong).toEqual([]);
    });

    it(`${locale} translates the navigation`, () => {
      const nav = keys.filter((key) => key.startsWith('nav.'));
      const missing = nav.filter((key) => !CATALOGUES[locale][key]);
      expect(missing).toEqual([]);
    });
  }

  it('Arabic and Chinese are translations, not copies of English', () => {
    for (const locale of ['ar', 'zh'] as const) {
      const copied = keys.filter((key) => CATALOGUES[locale][key] === en[key] && /[a-z]{4}/i.test(en[key]));
      // Brand names stay as they are.
      expect(copied.filter((key) => key !== 'nav.home' && key !== 'common.sha256')).toEqual([]);
    }
  });
});

describe('translate', () => {
  it('fills placeholders', () => {
    expect(translate('en', 'nav.signedInAs', { name: 'Ana' })).toBe('Signed in as Ana');
  });

  it('falls back to English where a partial catalogue has no translation', () => {
    expect(translate('fr', 'decision.outcome.agreed')).toBe(en['decision.outcome.agreed']);
    expect(translate('fr', 'nav.groups')).toBe('Groupes');
  });
});

describe('direction', () => {
  it('lays Arabic out right to left and the other languages left to right', () => {
    expect(direction('ar')).toBe('rtl');
    for (const locale of LOCALES.filter((l) => l !== 'ar')) expect(direction(locale)).toBe('ltr');
  });

  it('switches the document between rtl and ltr with the language', () => {
    const root = document.createElement('html');
    applyToDocument(root, 'ar');
    expect([root.lang, root.dir]).toEqual(['ar', 'rtl']);
    applyToDocument(root, 'zh');
    expect([root.lang, root.dir]).toEqual(['zh', 'ltr']);
  });
});

describe('negotiateLocale', () => {
  it('takes the first preferred language we have, by primary subtag', () => {
    expect(negotiateLocale(['de-DE', 'ar-EG', 'en'])).toBe('ar');
    expect(negotiateLocale(['zh-Hans-CN'])).toBe('zh');
  });

  it('falls back to English', () => {
    expect(negotiateLocale(['de', 'ja'])).toBe('en');
    expect(negotiateLocale([])).toBe('en');
  });
});
