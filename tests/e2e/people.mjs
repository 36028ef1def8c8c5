// Picks the demo people a test needs by what their tokens say they are, not by their names.

function claims(token) {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

function rolesIn(person, group) {
  return claims(person.token).roles?.[group] ?? [];
}

/**
 * `{ chair, editor, delegates: [a, b], parentMember, secretariat }` for a group and its parent:
 * delegates hold no other role in the group and none in the parent group.
 */
export function castFor(demoPeople, group, parentGroup) {
  const people = demoPeople.map((p) => ({ ...p, id: p.person ?? claims(p.token).sub }));
  const chair = people.find((p) => rolesIn(p, group).includes('chair'));
  const editor = people.find((p) => rolesIn(p, group).includes('editor'));
  const parentMember = people.find((p) => rolesIn(p, parentGroup).length > 0);
  const secretariat = people.find((p) => claims(p.token).secretariat === true);
  const delegates = people.filter(
    (p) => rolesIn(p, group).length > 0 && rolesIn(p, group).every((r) => r === 'delegate') && rolesIn(p, parentGroup).length === 0,
  );
  if (!chair || !editor || delegates.length < 2 || !parentMember || !secretariat) {
    const seen = people.map((p) => [p.id, claims(p.token).roles, claims(p.token).secretariat]);
    throw new Error(`the demo lacks someone this test needs in ${group} / ${parentGroup}: ${JSON.stringify(seen)}`);
  }
  return { chair, editor, delegates, parentMember, secretariat };
}
