import { describe, expect, it } from 'vitest';
import { parseDemoPeople } from './demo';

describe('demo people', () => {
  it('reads the server list and keeps only people with a token', () => {
    const people = parseDemoPeople({
      people: [
        { person: 'david.wen', displayName: 'David Wen', organisation: 'eCurrency', description: 'Chair of FG DFC', token: 'a.b.c' },
        { person: 'nobody' },
      ],
    });
    expect(people).toEqual([
      { person: 'david.wen', displayName: 'David Wen', organisation: 'eCurrency', description: 'Chair of FG DFC', token: 'a.b.c' },
    ]);
  });

  it('accepts a bare list and snake_case names', () => {
    expect(parseDemoPeople([{ person: 'li.wei', display_name: 'Li Wei', token: 't' }])[0]?.displayName).toBe('Li Wei');
    expect(parseDemoPeople('nonsense')).toEqual([]);
  });
});
