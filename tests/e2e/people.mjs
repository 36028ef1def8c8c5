// Picks the demo people a test needs by what their tokens say they are, not by their names.

function claims(token) {
  const payload = token.split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

function roleIn(person, group) {
  return claims(person.token).roles?.[group] ?? [];
}

function idOf(person) {
  return person.person ?? person.id ?? person.sub ?? claims(person.token).sub;
}

/** `{ chair, delegates: [a, b], parentMember }` for a working group and its parent group. */
export function castFor(demoPeople, group, parentGroup) {
  const people = demoPeople.map((p) => ({ ...p, id: idOf(p) }));
  const chair = people.find((p) => roleIn(p, group).includes('chair'));
  const delegates = people.filter(
    (p) => p !== chair && roleIn(p, group).some((r) => r === 'delegate' || r === 'participant' || r === 'editor'),
  );
  const parentMember = people.find((p) => roleIn(p, parentGroup).length > 0 && roleIn(p, group).length === 0)
    ?? people.find((p) => roleIn(p, parentGroup).length > 0);
  if (!chair || delegates.length < 2 || !parentMember) {
    throw new Error(`the demo lacks a chair, two delegates of ${group} or a member of ${parentGroup}: ${JSON.stringify(people.map((p) => [p.id, claims(p.token).roles]))}`);
  }
  return { chair, delegates, parentMember };
}
