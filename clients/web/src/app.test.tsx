import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { App } from './app';

function answer(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

describe('the app shell', () => {
  it('switches to Arabic laid out right to left, and back', async () => {
    vi.stubGlobal('fetch', vi.fn(() => answer({ data: { groups: [] } })));
    render(<App />);
    const language = screen.getByRole('combobox', { name: 'Language' });
    fireEvent.change(language, { target: { value: 'ar' } });
    expect(document.documentElement.dir).toBe('rtl');
    expect(document.documentElement.lang).toBe('ar');
    expect(screen.getAllByRole('link', { name: 'الأفرقة' }).length).toBeGreaterThan(0);
    expect(localStorage.getItem('plenary.locale')).toBe('ar');

    fireEvent.change(screen.getByRole('combobox', { name: 'اللغة' }), { target: { value: 'zh' } });
    expect(document.documentElement.dir).toBe('ltr');
    expect(screen.getAllByRole('link', { name: '小组' }).length).toBeGreaterThan(0);
  });

  it('shows the group tree from the query service', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        answer({
          data: {
            groups: [
              {
                id: 'tsag',
                name: 'Telecommunication Standardization Advisory Group',
                acronym: 'TSAG',
                kind: 'PARENT_GROUP',
                children: [{ id: 'fg-dfc', name: 'Focus Group on Digital Currency', acronym: 'FG DFC', kind: 'FOCUS_GROUP', children: [] }],
              },
            ],
          },
        }),
      ),
    );
    render(<App />);
    const link = await screen.findByRole('link', { name: 'FG DFC: Focus Group on Digital Currency' });
    expect(link.getAttribute('href')).toBe('/groups/fg-dfc');
    expect(screen.getByText('Focus group')).toBeTruthy();
  });
});

describe('the locale dates are written in', () => {
  it('is the reader regional variant of the interface language, else the language', async () => {
    const { regionalVariant } = await import('./app-context');
    expect(regionalVariant('en', ['en-GB', 'fr'])).toBe('en-GB');
    expect(regionalVariant('ar', ['en-GB', 'ar-EG'])).toBe('ar-EG');
    expect(regionalVariant('zh', ['en-GB'])).toBe('zh');
  });
});
