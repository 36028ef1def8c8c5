import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors, generalMessage, isProblem, normaliseFieldPath, problemFromResponse } from './problem';

describe('normaliseFieldPath', () => {
  it('maps JSON pointers, bracket indices and plain names to dotted paths', () => {
    expect(normaliseFieldPath('/agenda/1/title')).toBe('agenda.1.title');
    expect(normaliseFieldPath('agenda[1].title')).toBe('agenda.1.title');
    expect(normaliseFieldPath('title')).toBe('title');
    expect(normaliseFieldPath('#/waiverReason')).toBe('waiverReason');
  });
});

describe('fieldErrors', () => {
  it('puts each error under its field, first message winning', () => {
    const problem = {
      title: 'Unprocessable Entity',
      code: 'validation',
      errors: [
        { field: 'title', code: 'empty', message: 'The title must not be empty.' },
        { field: 'agenda[0].id', code: 'empty', message: 'An agenda item needs a number.' },
        { field: 'title', code: 'too_long', message: 'second message' },
      ],
    };
    expect(fieldErrors(problem)).toEqual({
      title: 'The title must not be empty.',
      'agenda.0.id': 'An agenda item needs a number.',
    });
  });

  it('gives nothing for a problem without field errors', () => {
    expect(fieldErrors({ title: 'Forbidden', code: 'forbidden' })).toEqual({});
  });
});

describe('generalMessage', () => {
  it('says nothing more when every error is shown at a field', () => {
    const problem = { detail: 'bad', errors: [{ field: 'title', message: 'empty' }] };
    expect(generalMessage(problem, ['title'])).toBeUndefined();
  });

  it('keeps the errors that no field of the form shows', () => {
    const problem = { detail: 'Refused.', errors: [{ field: 'startsOn', message: 'Too soon.' }] };
    expect(generalMessage(problem, ['title'])).toBe('Refused. Too soon.');
  });

  it('uses the detail for a problem without field errors', () => {
    expect(generalMessage({ detail: 'Not allowed.' }, [])).toBe('Not allowed.');
  });
});

describe('problemFromResponse', () => {
  it('reads a problem+json body', async () => {
    const body = { title: 'Unprocessable Entity', status: 422, detail: 'x', code: 'meeting_notice_too_short', errors: [] };
    const response = new Response(JSON.stringify(body), {
      status: 422,
      headers: { 'content-type': 'application/problem+json' },
    });
    const error = await problemFromResponse(response);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.problem.code).toBe('meeting_notice_too_short');
  });

  it('survives a body that is not JSON', async () => {
    const error = await problemFromResponse(new Response('<html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(error.status).toBe(502);
    expect(error.problem.title).toBe('Bad Gateway');
  });
});

describe('isProblem', () => {
  it('recognises problems and rejects other values', () => {
    expect(isProblem({ title: 'x' })).toBe(true);
    expect(isProblem({ errors: [] })).toBe(true);
    expect(isProblem(null)).toBe(false);
    expect(isProblem({ id: 1 })).toBe(false);
  });
});
