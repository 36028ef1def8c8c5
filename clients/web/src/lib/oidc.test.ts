import { describe, expect, it } from 'vitest';
import { oidcSettings } from './oidc';

describe('OpenID Connect settings', () => {
  it('are off unless the build names an issuer and a client', () => {
    expect(oidcSettings({})).toBeUndefined();
    expect(oidcSettings({ VITE_OIDC_AUTHORITY: 'https://id.example.org' })).toBeUndefined();
  });

  it('ask for openid and profile unless told otherwise', () => {
    expect(oidcSettings({ VITE_OIDC_AUTHORITY: 'https://id.example.org', VITE_OIDC_CLIENT_ID: 'plenary' })).toEqual({
      authority: 'https://id.example.org',
      clientId: 'plenary',
      scope: 'openid profile',
    });
  });
});
