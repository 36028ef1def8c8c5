import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/preact';
import { TestAppProvider } from '../app-context';
import { CommentThreads, type ThreadView } from './comments';
import type { Session } from '../lib/session';

const li: Session = { token: 'x.y.z', source: 'demo', person: 'li.wei', displayName: 'Li Wei', roles: { 'fg-dfc': ['delegate'] }, secretariat: false };

const thread: ThreadView = {
  id: 't1',
  resolved: false,
  comments: [
    { id: 'a', author: 'li.wei', postedAt: '2026-11-20T11:00:00Z', text: 'Second text', retracted: false, edited: true, history: [{ text: 'First text', at: '2026-11-20T11:00:00Z' }, { text: 'Second text', at: '2026-11-20T11:05:00Z' }] },
    { id: 'b', inReplyTo: 'a', author: 'david.wen', postedAt: '2026-11-20T12:00:00Z', text: 'Agreed.', retracted: false, edited: false, history: [] },
    { id: 'c', author: 'sarah.okafor', postedAt: '2026-11-20T12:30:00Z', text: null, retracted: true, edited: false, history: [] },
  ],
};

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function show(session: Session | undefined, readOnly = false) {
  return render(
    <TestAppProvider value={{ locale: 'en', session }}>
      <CommentThreads threads={[thread]} groupId="fg-dfc" subject={{ kind: 'contribution', id: 'c1' }} readOnly={readOnly} chair={false} onWrite={() => undefined} />
    </TestAppProvider>,
  );
}

describe('comment threads', () => {
  it('nests replies, keeps a tombstone for a retracted comment and the earlier text of an edited one', () => {
    show(li);
    const first = document.querySelector('[data-comment-id="a"]') as HTMLElement;
    expect(within(first).getByText('Agreed.')).toBeTruthy();
    expect(within(first).getByText('edited', { exact: false })).toBeTruthy();
    expect(within(first).getByText(/First text/)).toBeTruthy();
    const retracted = document.querySelector('[data-comment-id="c"]') as HTMLElement;
    expect(retracted.textContent).toContain('This comment was retracted.');
    expect(within(retracted).queryByRole('button')).toBeNull();
  });

  it('offers editing and retracting only on the reader own comments', () => {
    show(li);
    const mine = document.querySelector('[data-comment-id="a"] > .actions') as HTMLElement;
    expect(within(mine).getByRole('button', { name: 'Edit' })).toBeTruthy();
    const theirs = document.querySelector('[data-comment-id="b"] > .actions') as HTMLElement;
    expect(within(theirs).queryByRole('button', { name: 'Edit' })).toBeNull();
    expect(within(theirs).queryByRole('button', { name: 'Retract' })).toBeNull();
  });

  it('opens a thread through the REST API with the subject and the group', async () => {
    const fetch = vi.fn(async () =>
      new Response(JSON.stringify({ threadId: 't2', commentId: 'k', stream: 'thread-t2', revision: 0, position: '42' }), {
        headers: { 'content-type': 'application/json' },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    show(li);
    fireEvent.input(screen.getByLabelText(/Add a comment/), { target: { value: 'New point' } });
    fireEvent.click(screen.getByRole('button', { name: 'Post comment' }));
    await vi.waitFor(() => expect(fetch).toHaveBeenCalled());
    const [request] = fetch.mock.calls[0] as unknown as [Request];
    expect(new URL(request.url).pathname).toBe('/api/threads');
    expect(request.method).toBe('POST');
    expect(await request.json()).toEqual({ groupId: 'fg-dfc', subject: { kind: 'contribution', id: 'c1' }, text: 'New point' });
    expect(request.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(request.headers.get('authorization')).toBe('Bearer x.y.z');
  });

  it('shows no forms when looking at the past', () => {
    show(li, true);
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByLabelText(/Add a comment/)).toBeNull();
  });
});
