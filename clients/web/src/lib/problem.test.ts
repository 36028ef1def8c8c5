import { describe, expect, it } from 'vitest';
import { fieldErrors, generalMessage, isProblem, normaliseFieldPath, withoutFieldPrefix } from './problem';

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

describe('isProblem', () => {
  it('recognises problems and rejects other values', () => {
    expect(isProblem({ title: 'x' })).toBe(true);
    expect(isProblem({ errors: [] })).toBe(true);
    expect(isProblem(null)).toBe(false);
    expect(isProblem({ id: 1 })).toBe(false);
  });
});

describe('withoutFieldPrefix', () => {
  it('names an upload metadata field the way the form does', () => {
    const problem = { code: 'input.blank', errors: [{ field: 'metadata.title', message: 'title must not be blank' }, { field: 'file', message: 'empty' }] };
    expect(fieldErrors(withoutFieldPrefix(problem, 'metadata.'))).toEqual({ title: 'title must not be blank', file: 'empty' });
  });
});
