// The write side over REST: one function per command the app sends, typed by the OpenAPI document.

import { problemFromResponse, ApiError } from '../lib/problem';

/** What a command is about, as the REST API spells it. */
export type SubjectInput =
  | { kind: 'contribution'; id: string }
  | { kind: 'deliverable'; id: string; version?: number }
  | { kind: 'agendaItem'; meetingId: string; item: string };

export interface Receipt {
  stream: string;
  revision: number;
  /** Global position of the write's last event: queries ask for at least this. */
  position: string;
}

async function send<T>(
  method: string,
  path: string,
  token: string | undefined,
  idempotencyKey: string,
  body?: unknown,
): Promise<T & Receipt> {
  const headers: Record<string, string> = { accept: 'application/json', 'idempotency-key': idempotencyKey };
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError({ code: 'network', title: String(error) }, 0);
  }
  if (!response.ok) throw await problemFromResponse(response);
  return (await response.json()) as T & Receipt;
}

export const commands = {
  announceMeeting: (
    token: string | undefined,
    key: string,
    body: {
      groupId: string;
      title: string;
      startsOn: string;
      endsOn: string;
      venue?: string;
      remoteParticipation: boolean;
      registrationDeadline?: string;
      agenda: { id: string; title: string }[];
      waiverReason?: string;
    },
  ) => send<{ meetingId: string; contributionDeadline: string }>('POST', '/api/meetings', token, key, body),

  submitContribution: (
    token: string | undefined,
    key: string,
    input: {
      meetingId: string;
      agendaItem: string;
      title: string;
      sourceOrganisations: string[];
      file: File | undefined;
    },
  ) => {
    const form = new FormData();
    const { file, ...fields } = input;
    form.append('metadata', new Blob([JSON.stringify(fields)], { type: 'application/json' }));
    if (file) form.append('file', file, file.name);
    return send<{ contributionId: string; number?: string }>('POST', '/api/contributions', token, key, form);
  },

  reviseContribution: (
    token: string | undefined,
    key: string,
    contributionId: string,
    input: { title: string; note?: string; file: File | undefined },
  ) => {
    const form = new FormData();
    const { file, ...fields } = input;
    form.append('metadata', new Blob([JSON.stringify(fields)], { type: 'application/json' }));
    if (file) form.append('file', file, file.name);
    return send('POST', `/api/contributions/${contributionId}/revisions`, token, key, form);
  },

  acceptLate: (token: string | undefined, key: string, contributionId: string, reason?: string) =>
    send('POST', `/api/contributions/${contributionId}/accept`, token, key, { reason }),

  refuseLate: (token: string | undefined, key: string, contributionId: string, reason: string) =>
    send('POST', `/api/contributions/${contributionId}/refuse`, token, key, { reason }),

  /** Opens a thread on the subject, or replies in one. */
  postComment: (
    token: string | undefined,
    key: string,
    input: { groupId: string; subject: SubjectInput; threadId?: string; inReplyTo?: string; text: string },
  ) =>
    input.threadId && input.inReplyTo
      ? send<{ threadId: string; commentId: string }>('POST', `/api/threads/${input.threadId}/replies`, token, key, {
          inReplyTo: input.inReplyTo,
          text: input.text,
        })
      : send<{ threadId: string; commentId: string }>('POST', '/api/threads', token, key, {
          groupId: input.groupId,
          subject: input.subject,
          text: input.text,
        }),

  editComment: (token: string | undefined, key: string, threadId: string, commentId: string, text: string) =>
    send('PUT', `/api/threads/${threadId}/comments/${commentId}`, token, key, { text }),

  retractComment: (token: string | undefined, key: string, threadId: string, commentId: string) =>
    send('DELETE', `/api/threads/${threadId}/comments/${commentId}`, token, key),

  resolveThread: (token: string | undefined, key: string, threadId: string, resolution?: string) =>
    send('POST', `/api/threads/${threadId}/resolution`, token, key, { resolution }),

  openCall: (
    token: string | undefined,
    key: string,
    input: { groupId: string; subject: SubjectInput; question: string; closesAt: string },
  ) => send<{ callId: string }>('POST', '/api/consensus-calls', token, key, input),

  statePosition: (token: string | undefined, key: string, callId: string, input: { stance: string; reason?: string }) =>
    send('POST', `/api/consensus-calls/${callId}/positions`, token, key, input),

  recordDecision: (
    token: string | undefined,
    key: string,
    callId: string,
    input: {
      outcome: string;
      summary: string;
      objections: { participant: string; reason: string; disposition: string; note?: string }[];
    },
  ) => send<{ decisionId: string }>('POST', `/api/consensus-calls/${callId}/decision`, token, key, input),

  publishDraft: (
    token: string | undefined,
    key: string,
    deliverableId: string,
    input: { note?: string; buildsOn: string[]; file: File | undefined },
  ) => {
    const form = new FormData();
    const { file, ...fields } = input;
    form.append('metadata', new Blob([JSON.stringify(fields)], { type: 'application/json' }));
    if (file) form.append('file', file, file.name);
    return send<{ version: number; number: string }>('POST', `/api/deliverables/${deliverableId}/drafts`, token, key, form);
  },

  transmit: (token: string | undefined, key: string, deliverableId: string, input: { parentMeetingId: string }) =>
    send('POST', `/api/deliverables/${deliverableId}/transmittals`, token, key, input),

  acknowledge: (token: string | undefined, key: string, deliverableId: string, transmittalId: string, note?: string) =>
    send('POST', `/api/deliverables/${deliverableId}/transmittals/${transmittalId}/acknowledgement`, token, key, { note }),

  returnForRevision: (token: string | undefined, key: string, deliverableId: string, transmittalId: string, reason: string) =>
    send('POST', `/api/deliverables/${deliverableId}/transmittals/${transmittalId}/return`, token, key, { reason }),
};
