import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { TestAppProvider } from '../app-context';
import type { Session } from '../lib/session';
import { DocumentLink } from './common';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const DRAFT = { url: '/documents/' + 'd'.repeat(64), fileName: 'DFC-O-001.pdf', size: 2048, sha256: 'd'.repeat(64) };

const session: Session = {
  token: 'header.payload.signature',
  source: 'token',
  person: 'alice',
  displayName: 'Alice',
  roles: { 'fg-dfc': ['delegate'] },
  secretariat: false,
};

function renderLink(signedIn: Session | undefined) {
  return render(
    <TestAppProvider value={{ locale: 'en', session: signedIn }}>
      <DocumentLink document={DRAFT} />
    </TestAppProvider>,
  );
}

describe('document links', () => {
  it('fetch the document with the session token and save it under its file name', async () => {
    const fetch = vi.fn(async () => new Response('draft', { status: 200, headers: { 'content-type': 'application/pdf' } }));
    vi.stubGlobal('fetch', fetch);
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:saved');
    vi.spyOn(URL, 'revokeObjectURL').mockReturnValue(undefined);
    const saved: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.href, download: this.download });
    });
    renderLink(session);
    fireEvent.click(screen.getByText('Download DFC-O-001.pdf'));
    await waitFor(() => expect(saved).toEqual([{ href: 'blob:saved', download: 'DFC-O-001.pdf' }]));
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(DRAFT.url);
    expect(init.headers).toEqual({ authorization: 'Bearer header.payload.signature' });
    expect(await (createObjectURL.mock.calls[0] as unknown as [Blob])[0].text()).toBe('draft');
  });

  it('say why when the server refuses the download', async () => {
    const problem = { title: 'Not Found', status: 404, code: 'document_not_found', detail: 'no document you may read has this SHA-256' };
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify(problem), { status: 404, headers: { 'content-type': 'application/problem+json' } })));
    renderLink(session);
    fireEvent.click(screen.getByText('Download DFC-O-001.pdf'));
    expect((await screen.findByRole('alert')).textContent).toBe('no document you may read has this SHA-256');
  });

  it('stay plain links when nobody is signed in', () => {
    const fetch = vi.fn();
    vi.stubGlobal('fetch', fetch);
    renderLink(undefined);
    const link = screen.getByText('Download DFC-O-001.pdf') as HTMLAnchorElement;
    expect(link.getAttribute('href')).toBe(DRAFT.url);
    expect(link.getAttribute('download')).toBe('DFC-O-001.pdf');
    expect(fireEvent.click(link)).toBe(true);
    expect(fetch).not.toHaveBeenCalled();
  });
});
