// Who is signed in: the bearer token, the claims read from it, and where it is kept.

export type SessionSource = 'demo' | 'oidc' | 'token';

export interface Session {
  token: string;
  source: SessionSource;
  /** The person's stable subject (`david.wen`). */
  person: string;
  displayName: string;
  /** Roles per group as the token states them: `{ "fg-dfc": ["chair"] }`. */
  roles: Record<string, string[]>;
  /** A member of the secretariat (ITU TSB): sets up groups, announces meetings, fixes records. */
  secretariat: boolean;
  /** Seconds since the epoch; the token is not used after it. */
  expiresAt?: number;
}

const STORAGE_KEY = 'plenary.session';

function base64UrlDecode(part: string): string {
  const padded = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token.trim());
}

/**
 * Reads the payload of a JWT without checking it: the server checks every request; the client
 * only needs the name and roles to decide what to offer.
 */
export function decodeClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.trim().split('.')[1];
  if (!payload) return undefined;
  try {
    const value: unknown = JSON.parse(base64UrlDecode(payload));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Accepts roles as `{group: [role]}`, `{group: role}` or `[{group, role}]`. */
export function rolesFromClaim(claim: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const add = (group: unknown, role: unknown) => {
    if (typeof group !== 'string' || typeof role !== 'string') return;
    (out[group] ??= []).push(camelRole(role));
  };
  if (Array.isArray(claim)) {
    for (const entry of claim) {
      if (typeof entry === 'object' && entry !== null) {
        const e = entry as Record<string, unknown>;
        add(e.group ?? e.groupId ?? e.group_id, e.role);
      }
    }
  } else if (typeof claim === 'object' && claim !== null) {
    for (const [group, roles] of Object.entries(claim)) {
      for (const role of Array.isArray(roles) ? roles : [roles]) add(group, role);
    }
  }
  return out;
}

/** `vice_chair`, `vice-chair` and `viceChair` name the same role. */
function camelRole(role: string): string {
  return role.replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase());
}

export function sessionFromToken(token: string, source: SessionSource, displayName?: string): Session | undefined {
  const claims = decodeClaims(token);
  if (!claims || typeof claims.sub !== 'string') return undefined;
  const name = displayName ?? (typeof claims.name === 'string' ? claims.name : claims.sub);
  return {
    token: token.trim(),
    source,
    person: claims.sub,
    displayName: name,
    roles: rolesFromClaim(claims.roles ?? claims.groups),
    secretariat: claims.secretariat === true,
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

export function isExpired(session: Session, nowMs: number): boolean {
  return session.expiresAt !== undefined && session.expiresAt * 1000 <= nowMs;
}

export function hasRole(session: Session | undefined, group: string, ...roles: string[]): boolean {
  const held = session?.roles[group] ?? [];
  return roles.some((role) => held.includes(role));
}

/** May act for the group's leadership: its chair or vice-chair, or the secretariat. */
export function isChair(session: Session | undefined, group: string): boolean {
  return session?.secretariat === true || hasRole(session, group, 'chair', 'viceChair');
}

export function loadSession(storage: Storage, nowMs: number): Session | undefined {
  try {
    const raw = storage.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    return isExpired(session, nowMs) ? undefined : session;
  } catch {
    return undefined;
  }
}

export function saveSession(storage: Storage, session: Session | undefined): void {
  if (session) storage.setItem(STORAGE_KEY, JSON.stringify(session));
  else storage.removeItem(STORAGE_KEY);
}
