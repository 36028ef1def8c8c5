import { describe, expect, it, vi, afterEach } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { TestAppProvider } from '../app-context';
import { ApiError } from '../lib/problem';
import { Field, FormStatus, useForm } from './form';
import { Deadline } from './common';
import type { Locale } from '../i18n';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

function TitleForm({ run }: { run: (values: { title: string; summary: string }, key: string) => Promise<string | undefined> }) {
  const form = useForm({ title: '', summary: '' });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void form.submit(run);
      }}
    >
      <FormStatus general={form.general} done={form.done} />
      <Field label="Title" name="title" error={form.errors.title} required>
        {(props) => <input {...props} value={form.values.title} onInput={(e) => form.set('title', e.currentTarget.value)} />}
      </Field>
      <Field label="Summary" name="summary" error={form.errors.summary}>
        {(props) => <textarea {...props} value={form.values.summary} onInput={(e) => form.set('summary', e.currentTarget.value)} />}
      </Field>
      <button type="submit">Send</button>
    </form>
  );
}

function withApp(node: preact.ComponentChildren, locale: Locale = 'en') {
  return render(<TestAppProvider value={{ locale }}>{node}</TestAppProvider>);
}

describe('forms and problem+json', () => {
  it('shows the server error next to the field concerned and keeps what was typed', async () => {
    const run = vi.fn(async () => {
      throw new ApiError(
        {
          title: 'Unprocessable Entity',
          status: 422,
          code: 'validation',
          detail: 'title: must not be empty',
          errors: [{ field: 'title', code: 'too_long', message: 'The title is longer than 300 characters.' }],
        },
        422,
      );
    });
    withApp(<TitleForm run={run} />);
    const title = screen.getByLabelText(/Title/) as HTMLInputElement;
    const summary = screen.getByLabelText(/Summary/) as HTMLTextAreaElement;
    fireEvent.input(title, { target: { value: 'x'.repeat(301) } });
    fireEvent.input(summary, { target: { value: 'Kept text' } });
    fireEvent.click(screen.getByText('Send'));

    const message = await screen.findByText('The title is longer than 300 characters.');
    expect(title.getAttribute('aria-invalid')).toBe('true');
    expect(title.getAttribute('aria-describedby')).toContain(message.id);
    expect(summary.getAttribute('aria-invalid')).toBeNull();
    expect(title.value).toBe('x'.repeat(301));
    expect(summary.value).toBe('Kept text');
    expect(screen.getByRole('alert').textContent).toContain('Please correct the fields marked below.');
  });

  it('clears a field error once the person edits that field', async () => {
    const run = vi.fn(async () => {
      throw new ApiError({ errors: [{ field: 'title', message: 'Required.' }] }, 422);
    });
    withApp(<TitleForm run={run} />);
    fireEvent.click(screen.getByText('Send'));
    await screen.findByText('Required.');
    fireEvent.input(screen.getByLabelText(/Title/), { target: { value: 'A' } });
    await waitFor(() => expect(screen.queryByText('Required.')).toBeNull());
  });

  it('explains a refusal without field errors in plain words, in the reader language', async () => {
    const run = vi.fn(async () => {
      throw new ApiError({ code: 'auth.forbidden', detail: 'policy says no', status: 403 }, 403);
    });
    withApp(<TitleForm run={run} />, 'ar');
    fireEvent.click(screen.getByText('Send'));
    expect((await screen.findByRole('alert')).textContent).toBe('لا يُسمح لك بالقيام بهذا في هذا الفريق.');
  });

  it('sends the same idempotency key when the same values are sent again', async () => {
    const keys: string[] = [];
    const run = vi.fn(async (_: unknown, key: string) => {
      keys.push(key);
      throw new ApiError({ code: 'network' }, 0);
    });
    withApp(<TitleForm run={run} />);
    fireEvent.input(screen.getByLabelText(/Title/), { target: { value: 'Same' } });
    fireEvent.click(screen.getByText('Send'));
    await waitFor(() => expect(keys).toHaveLength(1));
    fireEvent.click(screen.getByText('Send'));
    await waitFor(() => expect(keys).toHaveLength(2));
    fireEvent.input(screen.getByLabelText(/Title/), { target: { value: 'Changed' } });
    fireEvent.click(screen.getByText('Send'));
    await waitFor(() => expect(keys).toHaveLength(3));
    expect(keys[0]).toBe(keys[1]);
    expect(keys[2]).not.toBe(keys[1]);
  });
});

describe('deadline', () => {
  it('counts down to the end of the deadline day and shows it in UTC too', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2017-09-28T23:59:59Z'));
    withApp(<Deadline date="2017-10-01" />);
    const box = screen.getByTestId('deadline');
    expect(screen.getByTestId('countdown').textContent).toBe('Closes in 3 days');
    expect(box.textContent).toContain('UTC');
    expect(box.className).toContain('ok');
  });

  it('says a passed deadline makes new documents late', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2017-10-02T12:00:00Z'));
    withApp(<Deadline date="2017-10-01" />);
    expect(screen.getByTestId('countdown').textContent).toBe('Closed 12 hours ago; documents submitted now are late');
  });

  it('words the countdown in Chinese for a Chinese reader', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2017-09-28T23:59:59Z'));
    withApp(<Deadline date="2017-10-01" />, 'zh');
    expect(screen.getByTestId('countdown').textContent).toBe('3天后截止');
  });
});
