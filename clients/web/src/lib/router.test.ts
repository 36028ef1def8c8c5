import { describe, expect, it } from 'vitest';
import { matchPath, pathFor } from './router';

describe('router', () => {
  it('matches patterns and decodes parameters', () => {
    expect(matchPath('/groups/:id', '/groups/fg-dfc')).toEqual({ id: 'fg-dfc' });
    expect(matchPath('/groups/:id', '/groups/a%20b/')).toEqual({ id: 'a b' });
    expect(matchPath('/groups/:id', '/meetings/x')).toBeUndefined();
    expect(matchPath('/groups/:id', '/groups')).toBeUndefined();
  });

  it('builds paths that match back', () => {
    const path = pathFor('/history/:kind/:id', { kind: 'contribution', id: 'a/b' });
    expect(path).toBe('/history/contribution/a%2Fb');
    expect(matchPath('/history/:kind/:id', path)).toEqual({ kind: 'contribution', id: 'a/b' });
  });
});
