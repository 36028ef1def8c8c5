// The chair's form to open a consensus call on a contribution, a deliverable draft or an agenda item.

import { useApp } from '../app-context';
import { commands, type SubjectInput } from '../api/commands';
import { Field, FormStatus, useForm } from './form';
import { navigate } from '../lib/router';

/** A week from now, as the value of a datetime-local input in the reader's time zone. */
export function defaultClosing(now: Date): string {
  const later = new Date(now.getTime() + 7 * 86_400_000);
  later.setSeconds(0, 0);
  const local = new Date(later.getTime() - later.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

export function OpenCallForm({ groupId, subject, heading }: { groupId: string; subject: SubjectInput; heading: string }) {
  const { t, session, noteWrite } = useApp();
  const form = useForm({ question: '', closesAt: defaultClosing(new Date()) });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const closes = values.closesAt ? new Date(values.closesAt) : undefined;
      const result = await commands.openCall(session?.token, key, {
        groupId,
        subject,
        question: values.question,
        closesAt: closes && !Number.isNaN(closes.getTime()) ? closes.toISOString() : values.closesAt,
      });
      noteWrite(result.position);
      navigate(`/calls/${result.callId}`);
      return t('consensus.opened');
    });
  };
  return (
    <details class="panel">
      <summary>{heading}</summary>
      <form onSubmit={onSubmit} noValidate data-testid="open-call">
        <FormStatus general={form.general} done={form.done} />
        <Field label={t('consensus.question')} name="question" error={form.errors.question} required>
          {(props) => (
            <textarea {...props} value={form.values.question} onInput={(e) => form.set('question', e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('consensus.closesAt')} name="closesAt" error={form.errors.closesAt} required>
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              value={form.values.closesAt}
              onInput={(e) => form.set('closesAt', e.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={form.submitting}>
          {t('consensus.open')}
        </button>
      </form>
    </details>
  );
}
