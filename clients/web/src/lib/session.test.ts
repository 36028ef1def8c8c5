import { describe, expect, it } from 'vitest';
import { decodeClaims, isChair, isExpired, loadSession, looksLikeJwt, rolesFromClaim, saveSession, sessionFromToken } from './session';

function jwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(String.fromCharCode(...new TextEncoder().encode(JSON.stringify(value))))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.c2lnbmF0dXJl`;
}

describe('tokens', () => {
  it('reads the claims of a JWT, including non-ASCII names', () => {
    const token = jwt({ sub: 'li.wei', name: '李伟' });
    expect(looksLikeJwt(token)).toBe(true);
    expect(decodeClaims(token)).toMatchObject({ sub: 'li.wei', name: '李伟' });
  });

  it('rejects what is not a JWT', () => {
    expect(looksLikeJwt('hello')).toBe(false);
    expect(decodeClaims('a.b.c')).toBeUndefined();
    expect(sessionFromToken('a.b.c', 'token')).toBeUndefined();
  });

  it('reads roles per group in the shapes a token may carry them', () => {
    expect(rolesFromClaim({ 'fg-dfc': ['chair'], tsag: 'member' })).toEqual({ 'fg-dfc': ['chair'], tsag: ['member'] });
    expect(rolesFromClaim([{ group: 'fg-dfc', role: 'vice_chair' }])).toEqual({ 'fg-dfc': ['viceChair'] });
  });

  it('knows a chair of a group from a delegate', () => {
    const chair = sessionFromToken(jwt({ sub: 'david.wen', roles: { 'fg-dfc': ['chair'] } }), 'demo');
    const delegate = sessionFromToken(jwt({ sub: 'ana', roles: { 'fg-dfc': ['delegate'] } }), 'demo');
    expect(isChair(chair, 'fg-dfc')).toBe(true);
    expect(isChair(chair, 'tsag')).toBe(false);
    expect(isChair(delegate, 'fg-dfc')).toBe(false);
  });

  it('lets the secretariat act for any group', () => {
    const secretariat = sessionFromToken(jwt({ sub: 'elena.rossi', roles: {}, secretariat: true }), 'demo');
    expect(isChair(secretariat, 'tsag')).toBe(true);
  });

  it('does not keep an expired session', () => {
    const session = sessionFromToken(jwt({ sub: 'ana', exp: 1000 }), 'token')!;
    expect(isExpired(session, 999_000)).toBe(false);
    expect(isExpired(session, 1_000_000)).toBe(true);
    saveSession(localStorage, session);
    expect(loadSession(localStorage, 999_000)?.person).toBe('ana');
    expect(loadSession(localStorage, 2_000_000)).toBeUndefined();
  });
});
