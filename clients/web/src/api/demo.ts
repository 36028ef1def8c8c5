// The demo people a `plenary serve --demo` server offers, each with a ready-made token.

export interface DemoPerson {
  person: string;
  displayName: string;
  organisation?: string;
  /** What the person does in the demo, for the picker: "Chair of FG DFC". */
  description?: string;
  token: string;
}

export const DEMO_PEOPLE_PATH = '/api/demo/people';

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Reads the list, accepting `snake_case` or `camelCase` names; drops entries without a token. */
export function parseDemoPeople(body: unknown): DemoPerson[] {
  const list = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && Array.isArray((body as { people?: unknown }).people)
      ? (body as { people: unknown[] }).people
      : [];
  const people: DemoPerson[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    const e = entry as Record<string, unknown>;
    const person = str(e.person) ?? str(e.id) ?? str(e.sub);
    const token = str(e.token);
    if (!person || !token) continue;
    const roles = Array.isArray(e.roles) ? e.roles.filter((r): r is string => typeof r === 'string').join(', ') : undefined;
    people.push({
      person,
      token,
      displayName: str(e.displayName) ?? str(e.display_name) ?? str(e.name) ?? person,
      organisation: str(e.organisation) ?? str(e.organization),
      description: str(e.description) ?? str(e.role) ?? roles,
    });
  }
  return people;
}

/** `undefined` when the server is not in demo mode. */
export async function fetchDemoPeople(signal?: AbortSignal): Promise<DemoPerson[] | undefined> {
  const response = await fetch(DEMO_PEOPLE_PATH, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) return undefined;
  return parseDemoPeople(await response.json());
}
