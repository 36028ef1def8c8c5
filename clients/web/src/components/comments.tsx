// A subject's comment threads: post, reply, edit, retract and resolve, with earlier versions kept.

import { useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { commands, type SubjectInput } from '../api/commands';
import { DateTime } from './common';
import { explain, Field, FormStatus, useForm } from './form';

export interface CommentView {
  id: string;
  inReplyTo?: string | null;
  author: string;
  postedAt: string;
  text?: string | null;
  retracted: boolean;
  edited: boolean;
  history: { text: string; at: string }[];
}

export interface ThreadView {
  id: string;
  resolved: boolean;
  resolution?: string | null;
  comments: CommentView[];
}

interface Context {
  groupId: string;
  subject: SubjectInput;
  readOnly: boolean;
  chair: boolean;
  onWrite: (position: string) => void;
}

function CommentForm({
  ctx,
  threadId,
  inReplyTo,
  label,
  submitLabel,
  onDone,
}: {
  ctx: Context;
  threadId?: string;
  inReplyTo?: string;
  label: string;
  submitLabel: string;
  onDone?: () => void;
}) {
  const { session } = useApp();
  const form = useForm({ text: '' });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form
      .submit(async (values, key) => {
        const receipt = await commands.postComment(session?.token, key, {
          groupId: ctx.groupId,
          subject: ctx.subject,
          threadId,
          inReplyTo,
          text: values.text,
        });
        ctx.onWrite(receipt.position);
        return undefined;
      })
      .then((ok) => {
        if (ok) {
          form.reset({ text: '' });
          onDone?.();
        }
      });
  };
  return (
    <form onSubmit={onSubmit} noValidate class="comment-form">
      <FormStatus general={form.general} />
      <Field label={label} name="text" error={form.errors.text} required>
        {(props) => <textarea {...props} value={form.values.text} onInput={(e) => form.set('text', e.currentTarget.value)} />}
      </Field>
      <button type="submit" disabled={form.submitting}>
        {submitLabel}
      </button>
    </form>
  );
}

function EditForm({ ctx, threadId, comment, onDone }: { ctx: Context; threadId: string; comment: CommentView; onDone: () => void }) {
  const { t, session } = useApp();
  const form = useForm({ text: comment.text ?? '' });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form
      .submit(async (values, key) => {
        const receipt = await commands.editComment(session?.token, key, threadId, comment.id, values.text);
        ctx.onWrite(receipt.position);
        return undefined;
      })
      .then((ok) => ok && onDone());
  };
  return (
    <form onSubmit={onSubmit} noValidate>
      <FormStatus general={form.general} />
      <Field label={t('comments.editLabel')} name="text" error={form.errors.text} required>
        {(props) => <textarea {...props} value={form.values.text} onInput={(e) => form.set('text', e.currentTarget.value)} />}
      </Field>
      <div class="actions">
        <button type="submit" disabled={form.submitting}>
          {t('common.save')}
        </button>
        <button type="button" class="secondary" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}

function Comment({ ctx, thread, comment, replies }: { ctx: Context; thread: ThreadView; comment: CommentView; replies: CommentView[] }) {
  const { t, session } = useApp();
  const [mode, setMode] = useState<'view' | 'reply' | 'edit'>('view');
  const [error, setError] = useState<string | undefined>();
  const own = session?.person === comment.author;
  const canAct = !ctx.readOnly && !!session && !comment.retracted;

  const retract = async () => {
    if (!window.confirm(t('comments.retractConfirm'))) return;
    try {
      const receipt = await commands.retractComment(session?.token, crypto.randomUUID(), thread.id, comment.id);
      ctx.onWrite(receipt.position);
    } catch (failure) {
      setError(explain(failure, t));
    }
  };

  return (
    <article class="comment" data-comment-id={comment.id} aria-label={t('common.by', { name: comment.author })}>
      <header>
        <strong><bdi>{comment.author}</bdi></strong> · <DateTime value={comment.postedAt} />
        {comment.edited ? <> · {t('comments.edited')}</> : null}
      </header>
      {comment.retracted ? (
        <p class="tombstone">{t('comments.retracted')}</p>
      ) : mode === 'edit' ? (
        <EditForm ctx={ctx} threadId={thread.id} comment={comment} onDone={() => setMode('view')} />
      ) : (
        <p class="text">{comment.text}</p>
      )}
      {comment.edited && comment.history.length > 1 ? (
        <details>
          <summary>{t('comments.earlierVersions')}</summary>
          <ol>
            {comment.history.slice(0, -1).map((v, i) => (
              <li key={i}>
                <DateTime value={v.at} />: {v.text}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
      {error ? (
        <p class="form-error" role="alert">
          {error}
        </p>
      ) : null}
      {canAct && mode === 'view' ? (
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setMode('reply')} aria-label={t('comments.replyTo', { name: comment.author })}>
            {t('comments.reply')}
          </button>
          {own ? (
            <button type="button" class="secondary" onClick={() => setMode('edit')}>
              {t('comments.edit')}
            </button>
          ) : null}
          {own || ctx.chair ? (
            <button type="button" class="danger" onClick={() => void retract()}>
              {t('comments.retract')}
            </button>
          ) : null}
        </div>
      ) : null}
      {mode === 'reply' ? (
        <CommentForm
          ctx={ctx}
          threadId={thread.id}
          inReplyTo={comment.id}
          label={t('comments.replyTo', { name: comment.author })}
          submitLabel={t('comments.reply')}
          onDone={() => setMode('view')}
        />
      ) : null}
      {replies.length > 0 ? (
        <div class="replies">
          <CommentList ctx={ctx} thread={thread} parent={comment.id} />
        </div>
      ) : null}
    </article>
  );
}

function ResolveThread({ ctx, thread }: { ctx: Context; thread: ThreadView }) {
  const { t, session } = useApp();
  const form = useForm({ resolution: '' });
  const onSubmit = (event: Event) => {
    event.preventDefault();
    void form.submit(async (values, key) => {
      const receipt = await commands.resolveThread(session?.token, key, thread.id, values.resolution.trim() || undefined);
      ctx.onWrite(receipt.position);
      return undefined;
    });
  };
  return (
    <details>
      <summary>{t('comments.resolve')}</summary>
      <form onSubmit={onSubmit} noValidate>
        <FormStatus general={form.general} />
        <Field label={t('comments.resolution')} name="resolution" error={form.errors.resolution}>
          {(props) => <input {...props} value={form.values.resolution} onInput={(e) => form.set('resolution', e.currentTarget.value)} />}
        </Field>
        <button type="submit" class="secondary" disabled={form.submitting}>
          {t('comments.resolve')}
        </button>
      </form>
    </details>
  );
}

function CommentList({ ctx, thread, parent }: { ctx: Context; thread: ThreadView; parent: string | undefined }) {
  const level = thread.comments.filter((c) => (c.inReplyTo ?? undefined) === parent);
  return (
    <>
      {level.map((c) => (
        <Comment key={c.id} ctx={ctx} thread={thread} comment={c} replies={thread.comments.filter((r) => r.inReplyTo === c.id)} />
      ))}
    </>
  );
}

export function CommentThreads({
  threads,
  groupId,
  subject,
  readOnly,
  chair,
  onWrite,
}: {
  threads: ThreadView[];
  groupId: string;
  subject: SubjectInput;
  readOnly: boolean;
  chair: boolean;
  onWrite: (position: string) => void;
}) {
  const { t, session } = useApp();
  const ctx: Context = { groupId, subject, readOnly, chair, onWrite };
  return (
    <section aria-labelledby="comments-heading" data-testid="comments">
      <h2 id="comments-heading">{t('comments.title')}</h2>
      {threads.length === 0 ? <p class="muted">{t('common.none')}</p> : null}
      {threads.map((thread) => (
        <div class="thread panel" key={thread.id} data-thread-id={thread.id}>
          {thread.resolved ? (
            <p class="badge ok">
              {t('comments.resolved')}
              {thread.resolution ? `: ${thread.resolution}` : ''}
            </p>
          ) : null}
          <CommentList ctx={ctx} thread={thread} parent={undefined} />
          {!thread.resolved && !readOnly && session && (chair || thread.comments[0]?.author === session.person) ? (
            <ResolveThread ctx={ctx} thread={thread} />
          ) : null}
        </div>
      ))}
      {session && !readOnly ? (
        <CommentForm ctx={ctx} label={t('comments.new')} submitLabel={t('comments.post')} />
      ) : null}
    </section>
  );
}
