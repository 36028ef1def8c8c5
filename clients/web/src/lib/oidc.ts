// OpenID Connect sign-in (authorization code with PKCE) when the build names an issuer.

import type { UserManager } from 'oidc-client-ts';

export interface OidcSettings {
  authority: string;
  clientId: string;
  scope: string;
}

/** Set at build time: `VITE_OIDC_AUTHORITY=https://id.example.org VITE_OIDC_CLIENT_ID=plenary npm run build`. */
export function oidcSettings(env: Record<string, string | undefined>): OidcSettings | undefined {
  const authority = env.VITE_OIDC_AUTHORITY;
  const clientId = env.VITE_OIDC_CLIENT_ID;
  if (!authority || !clientId) return undefined;
  return { authority, clientId, scope: env.VITE_OIDC_SCOPE ?? 'openid profile' };
}

export const CALLBACK_PATH = '/auth/callback';

/** Loaded only when someone signs in this way, so that other readers do not download it. */
async function manager(settings: OidcSettings): Promise<UserManager> {
  const { UserManager, WebStorageStateStore } = await import('oidc-client-ts');
  return new UserManager({
    authority: settings.authority,
    client_id: settings.clientId,
    scope: settings.scope,
    redirect_uri: `${window.location.origin}${CALLBACK_PATH}`,
    response_type: 'code',
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  });
}

export async function startSignIn(settings: OidcSettings): Promise<void> {
  await (await manager(settings)).signinRedirect();
}

/** Completes the redirect; the access token is what the server checks. */
export async function completeSignIn(settings: OidcSettings): Promise<{ accessToken: string; name?: string }> {
  const user = await (await manager(settings)).signinRedirectCallback();
  return { accessToken: user.access_token, name: user.profile.name };
}
