// Labelled fields, and forms that place each server error next to its field and keep what was typed.

import type { ComponentChildren } from 'preact';
import { useCallback, useId, useRef, useState } from 'preact/hooks';
import { useApp } from '../app-context';
import { ApiError, fieldErrors, generalMessage } from '../lib/problem';
import type { MessageKey, Translate } from '../i18n';

/** A person-facing explanation for stable codes we know; the server's own words otherwise. */
const CODE_MESSAGES: Record<string, MessageKey> = {
  unauthenticated: 'error.unauthorized',
  'auth.unauthenticated': 'error.unauthorized',
  UNAUTHENTICATED: 'error.unauthorized',
  forbidden: 'error.forbidden',
  'auth.forbidden': 'error.forbidden',
  FORBIDDEN: 'error.forbidden',
  conflict: 'error.conflict',
  precondition_failed: 'error.conflict',
  payload_too_large: 'error.tooLarge',
  unsupported_media_type: 'error.unsupportedMediaType',
  network: 'common.networkError',
};

export function explain(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    const key = error.problem.code ? CODE_MESSAGES[error.problem.code] : undefined;
    if (key) return t(key);
    return error.problem.detail ?? error.problem.title ?? error.message;
  }
  return t('common.error', { message: error instanceof Error ? error.message : String(error) });
}

export interface FormState<Values> {
  values: Values;
  set: <K extends keyof Values>(name: K, value: Values[K]) => void;
  errors: Record<string, string>;
  general: string | undefined;
  submitting: boolean;
  done: string | undefined;
  /** Runs the request; on failure keeps the values and shows each error at its field. */
  submit: (run: (values: Values, idempotencyKey: string) => Promise<string | undefined>) => Promise<boolean>;
  reset: (values: Values) => void;
}

/**
 * `shows(field)` says whether the form has an input for a field path the server may name; by
 * default, the fields of `initial`.
 */
export function useForm<Values extends Record<string, unknown>>(
  initial: Values,
  shows: (field: string) => boolean = (field) => field in initial,
): FormState<Values> {
  const { t } = useApp();
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | undefined>();
  const [submitting, setSubmitting] = useState(false);
  const [done, setDone] = useState<string | undefined>();
  // One key per attempt at the same values: a resend after a lost answer is not a second write.
  const idempotency = useRef<{ key: string; values: string } | undefined>(undefined);

  const set = useCallback(<K extends keyof Values>(name: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [name]: value }));
    // Typing in a field clears its error, and the errors of the parts of a list field.
    setErrors((e) => {
      const key = String(name);
      const kept = Object.entries(e).filter(([field]) => field !== key && !field.startsWith(`${key}.`));
      return kept.length === Object.keys(e).length ? e : Object.fromEntries(kept);
    });
    setDone(undefined);
  }, []);

  const submit: FormState<Values>['submit'] = async (run) => {
    setSubmitting(true);
    setGeneral(undefined);
    setDone(undefined);
    const snapshot = JSON.stringify(values, (_, v: unknown) => (v instanceof File ? `${v.name}:${v.size}` : v));
    if (idempotency.current?.values !== snapshot) {
      idempotency.current = { key: crypto.randomUUID(), values: snapshot };
    }
    try {
      const message = await run(values, idempotency.current.key);
      idempotency.current = undefined;
      setErrors({});
      setDone(message);
      return true;
    } catch (error) {
      if (error instanceof ApiError) {
        const byField = fieldErrors(error.problem);
        const known = Object.fromEntries(Object.entries(byField).filter(([f]) => shows(f)));
        setErrors(known);
        const rest = generalMessage(error.problem, Object.keys(known));
        setGeneral(
          Object.keys(known).length > 0
            ? [t('common.formHasErrors'), rest].filter(Boolean).join(' ')
            : explain(error, t),
        );
      } else {
        setGeneral(explain(error, t));
      }
      return false;
    } finally {
      setSubmitting(false);
    }
  };

  const reset = useCallback((next: Values) => {
    setValues(next);
    setErrors({});
    setGeneral(undefined);
  }, []);

  return { values, set, errors, general, submitting, done, submit, reset };
}

interface FieldProps {
  label: string;
  name: string;
  error?: string;
  hint?: string;
  required?: boolean;
  children: (props: {
    id: string;
    name: string;
    'aria-invalid': 'true' | undefined;
    'aria-describedby': string | undefined;
    required: boolean | undefined;
  }) => ComponentChildren;
}

/** A label, the control, its hint and its error, wired together for screen readers. */
export function Field({ label, name, error, hint, required, children }: FieldProps) {
  const { t } = useApp();
  const id = `f-${name.replace(/\W/g, '-')}-${useId()}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={id}>
        {label}
        {required ? <span class="required"> ({t('common.required')})</span> : null}
      </label>
      {hint ? (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {children({
        id,
        name,
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': describedBy,
        required,
      })}
      {error ? (
        <p class="field-error" id={errorId} data-field-error={name}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The banner at the top of a form: what went wrong overall, or that it worked. */
export function FormStatus({ general, done }: { general?: string; done?: string }) {
  return (
    <>
      {general ? (
        <p class="form-error" role="alert">
          {general}
        </p>
      ) : null}
      <p class="form-done" role="status">
        {done ?? ''}
      </p>
    </>
  );
}
