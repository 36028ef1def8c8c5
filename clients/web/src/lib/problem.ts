// Turns RFC 9457 problem+json answers into messages placed next to the fields they concern.

/** One validation error as the server reports it. */
export interface FieldProblem {
  field: string;
  message?: string;
  code?: string;
}

/** An `application/problem+json` body with Plenary's stable `code` and field paths. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
}

/** A failed request: the problem as the server described it, or one made up for a network failure. */
export class ApiError extends Error {
  readonly problem: Problem;
  readonly status: number;

  constructor(problem: Problem, status: number) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
    this.problem = problem;
    this.status = status;
  }
}

export function isProblem(value: unknown): value is Problem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.title === 'string' ||
    typeof v.detail === 'string' ||
    typeof v.code === 'string' ||
    Array.isArray(v.errors)
  );
}

/**
 * Field paths arrive as JSON pointers (`/agenda/0/title`), dotted paths (`agenda[0].title`)
 * or plain names; forms name their inputs with the dotted form `agenda.0.title`.
 */
export function normaliseFieldPath(path: string): string {
  return path
    .replace(/^#?\//, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\//g, '.')
    .replace(/^\$\.?/, '')
    .replace(/^body\./, '');
}

/** The first message for each field; the form shows it next to the input of that name. */
export function fieldErrors(problem: Problem): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of problem.errors ?? []) {
    if (typeof error?.field !== 'string') continue;
    const field = normaliseFieldPath(error.field);
    if (!(field in out)) out[field] = error.message ?? problem.detail ?? problem.title ?? '';
  }
  return out;
}

/** What to say about the request as a whole: the detail unless every error sits on a field. */
export function generalMessage(problem: Problem, fields: readonly string[]): string | undefined {
  const errors = problem.errors ?? [];
  const unplaced = errors.filter((e) => !fields.includes(normaliseFieldPath(e.field)));
  if (errors.length > 0 && unplaced.length === 0) return undefined;
  const extra = unplaced.map((e) => e.message).filter(Boolean);
  const head = problem.detail ?? problem.title;
  return [head, ...extra].filter(Boolean).join(' ') || undefined;
}

/**
 * Multipart uploads name their JSON part's fields `metadata.title`; the form's field is `title`.
 */
export function withoutFieldPrefix(problem: Problem, prefix: string): Problem {
  if (!problem.errors) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) =>
      typeof e.field === 'string' && e.field.startsWith(prefix) ? { ...e, field: e.field.slice(prefix.length) } : e,
    ),
  };
}
