// Test preparation over the real API (the "given" of a browser test): what the demo may not
// hold yet, created through the same REST commands the web client sends.

import assert from 'node:assert/strict';

export function api(server, person) {
  const token = server.demoPeople.find((p) => (p.person ?? p.id) === person)?.token;
  assert.ok(token, `no demo token for ${person}`);
  const call = async (method, path, body) => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    assert.ok(response.ok, `${method} ${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };
  const graphql = async (query, variables = {}) => {
    const response = await fetch(`${server.baseUrl}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    const answer = await response.json();
    assert.ok(!answer.errors, JSON.stringify(answer.errors));
    return answer.data;
  };
  return { call, graphql };
}

const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** A parent-group meeting far enough ahead for a transmittal to meet the four-week rule. */
export async function ensureParentMeeting(server, secretariat, parentGroup) {
  const { call, graphql } = api(server, secretariat);
  const { group } = await graphql('query($id: String!) { group(id: $id) { meetings { id startsOn } } }', { id: parentGroup });
  const soonest = inDays(35);
  if (group.meetings.some((m) => m.startsOn >= soonest)) return;
  const startsOn = inDays(60);
  await call('POST', '/api/meetings', {
    groupId: parentGroup,
    title: 'TSAG meeting',
    startsOn,
    endsOn: inDays(63),
    venue: 'ITU headquarters, Geneva',
    remoteParticipation: true,
    agenda: [{ id: '1', title: 'Reports of the focus groups' }],
  });
}

/** A deliverable of the group with an editor; returns its title. */
export async function ensureDeliverable(server, secretariat, group, editor) {
  const { call, graphql } = api(server, secretariat);
  const { group: found } = await graphql('query($id: String!) { group(id: $id) { deliverables { id title editors } } }', { id: group });
  let deliverable = found.deliverables.find((d) => d.editors.includes(editor));
  if (!deliverable) {
    const title = 'Security architecture and reference model';
    const existing = found.deliverables.find((d) => d.title === title);
    const id = existing?.id ?? (await call('POST', '/api/deliverables', { groupId: group, title, fromTermsOfReference: true })).deliverableId;
    await call('POST', `/api/deliverables/${id}/editors`, { person: editor });
    deliverable = { id, title };
  }
  return deliverable;
}
