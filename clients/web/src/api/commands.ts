// The write side over REST: one function per command the app sends, typed by the types that
// `npm run codegen` generates from schema/openapi/openapi.json (openapi-typescript + openapi-fetch).

import createClient from 'openapi-fetch';
import type { components, paths } from './openapi';
import { ApiError, isProblem, withoutFieldPrefix, type Problem } from '../lib/problem';

type Schemas = components['schemas'];

/** What a thread or a consensus call is about, as the REST API spells it. */
export type SubjectInput = Schemas['Subject'];
export type Receipt = Schemas['Receipt'];

const api = createClient<paths>({
  baseUrl: typeof window === 'undefined' ? '' : window.location.origin,
  // Looked up at call time, so that the page's (or a test's) fetch is the one used.
  fetch: (request) => globalThis.fetch(request),
});

/** The headers every write carries: the bearer token and the idempotency key of this attempt. */
function writeHeaders(token: string | undefined, idempotencyKey: string) {
  return {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  } as const;
}

/**
 * Unwraps an openapi-fetch answer: the data, or the problem+json as an ApiError. Uploads pass
 * `metadata.` so that field errors name the form's fields.
 */
async function settle<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>, fieldPrefix?: string): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (error) {
    throw new ApiError({ code: 'network', title: String(error) }, 0);
  }
  const { data, error, response } = result;
  if (!response.ok || data === undefined) {
    const problem: Problem = isProblem(error) ? error : { status: response.status, title: response.statusText || `HTTP ${response.status}` };
    throw new ApiError(fieldPrefix ? withoutFieldPrefix(problem, fieldPrefix) : problem, response.status);
  }
  return data;
}

/**
 * Uploads travel as multipart: a JSON `metadata` part and the `file` part. The schema types the
 * file as a binary string; the browser hands us a File, which is what goes on the wire.
 */
function multipart(body: { metadata: unknown; file: unknown }): FormData {
  const form = new FormData();
  form.append('metadata', new Blob([JSON.stringify(body.metadata)], { type: 'application/json' }));
  if (body.file instanceof Blob) form.append('file', body.file, body.file instanceof File ? body.file.name : 'document');
  return form;
}

const asBinary = (file: File | undefined) => file as unknown as string;

export const commands = {
  announceMeeting: (token: string | undefined, key: string, body: Schemas['AnnounceMeetingBody']) =>
    settle(api.POST('/api/meetings', { ...writeHeaders(token, key), body })),

  submitContribution: (
    token: string | undefined,
    key: string,
    input: Omit<Schemas['SubmitMetadata'], 'authors' | 'groupId'> & { file: File | undefined },
  ) => {
    const { file, ...metadata } = input;
    return settle(
      api.POST('/api/contributions', {
        ...writeHeaders(token, key),
        body: { metadata, file: asBinary(file) },
        bodySerializer: multipart,
      }),
      'metadata.',
    );
  },

  reviseContribution: (
    token: string | undefined,
    key: string,
    contributionId: string,
    input: Schemas['ReviseMetadata'] & { file: File | undefined },
  ) => {
    const { file, ...metadata } = input;
    return settle(
      api.POST('/api/contributions/{contribution_id}/revisions', {
        ...writeHeaders(token, key),
        params: { path: { contribution_id: contributionId }, header: { 'Idempotency-Key': key } },
        body: { metadata, file: asBinary(file) },
        bodySerializer: multipart,
      }),
      'metadata.',
    );
  },

  withdrawContribution: (token: string | undefined, key: string, contributionId: string, reason?: string) =>
    settle(
      api.POST('/api/contributions/{contribution_id}/withdraw', {
        ...writeHeaders(token, key),
        params: { path: { contribution_id: contributionId }, header: { 'Idempotency-Key': key } },
        body: { reason },
      }),
    ),

  acceptLate: (token: string | undefined, key: string, contributionId: string, reason?: string) =>
    settle(
      api.POST('/api/contributions/{contribution_id}/accept', {
        ...writeHeaders(token, key),
        params: { path: { contribution_id: contributionId }, header: { 'Idempotency-Key': key } },
        body: { reason },
      }),
    ),

  refuseLate: (token: string | undefined, key: string, contributionId: string, reason: string) =>
    settle(
      api.POST('/api/contributions/{contribution_id}/refuse', {
        ...writeHeaders(token, key),
        params: { path: { contribution_id: contributionId }, header: { 'Idempotency-Key': key } },
        body: { reason },
      }),
    ),

  /** Opens a thread on the subject, or replies in one. */
  postComment: (
    token: string | undefined,
    key: string,
    input: { groupId: string; subject: SubjectInput; threadId?: string; inReplyTo?: string; text: string },
  ) =>
    input.threadId && input.inReplyTo
      ? settle(
          api.POST('/api/threads/{thread_id}/replies', {
            ...writeHeaders(token, key),
            params: { path: { thread_id: input.threadId }, header: { 'Idempotency-Key': key } },
            body: { inReplyTo: input.inReplyTo, text: input.text },
          }),
        )
      : settle(
          api.POST('/api/threads', {
            ...writeHeaders(token, key),
            body: { groupId: input.groupId, subject: input.subject, text: input.text },
          }),
        ),

  editComment: (token: string | undefined, key: string, threadId: string, commentId: string, text: string) =>
    settle(
      api.PUT('/api/threads/{thread_id}/comments/{comment_id}', {
        ...writeHeaders(token, key),
        params: { path: { thread_id: threadId, comment_id: commentId }, header: { 'Idempotency-Key': key } },
        body: { text },
      }),
    ),

  retractComment: (token: string | undefined, key: string, threadId: string, commentId: string) =>
    settle(
      api.DELETE('/api/threads/{thread_id}/comments/{comment_id}', {
        ...writeHeaders(token, key),
        params: { path: { thread_id: threadId, comment_id: commentId }, header: { 'Idempotency-Key': key } },
      }),
    ),

  resolveThread: (token: string | undefined, key: string, threadId: string, resolution?: string) =>
    settle(
      api.POST('/api/threads/{thread_id}/resolution', {
        ...writeHeaders(token, key),
        params: { path: { thread_id: threadId }, header: { 'Idempotency-Key': key } },
        body: { resolution },
      }),
    ),

  openCall: (token: string | undefined, key: string, body: Schemas['OpenCallBody']) =>
    settle(api.POST('/api/consensus-calls', { ...writeHeaders(token, key), body })),

  statePosition: (token: string | undefined, key: string, callId: string, body: Schemas['PositionBody']) =>
    settle(
      api.POST('/api/consensus-calls/{call_id}/positions', {
        ...writeHeaders(token, key),
        params: { path: { call_id: callId }, header: { 'Idempotency-Key': key } },
        body,
      }),
    ),

  recordDecision: (token: string | undefined, key: string, callId: string, body: Schemas['DecisionBody']) =>
    settle(
      api.POST('/api/consensus-calls/{call_id}/decision', {
        ...writeHeaders(token, key),
        params: { path: { call_id: callId }, header: { 'Idempotency-Key': key } },
        body,
      }),
    ),

  publishDraft: (
    token: string | undefined,
    key: string,
    deliverableId: string,
    input: Schemas['DraftMetadata'] & { file: File | undefined },
  ) => {
    const { file, ...metadata } = input;
    return settle(
      api.POST('/api/deliverables/{deliverable_id}/drafts', {
        ...writeHeaders(token, key),
        params: { path: { deliverable_id: deliverableId }, header: { 'Idempotency-Key': key } },
        body: { metadata, file: asBinary(file) },
        bodySerializer: multipart,
      }),
      'metadata.',
    );
  },

  transmit: (token: string | undefined, key: string, deliverableId: string, body: Schemas['TransmitBody']) =>
    settle(
      api.POST('/api/deliverables/{deliverable_id}/transmittals', {
        ...writeHeaders(token, key),
        params: { path: { deliverable_id: deliverableId }, header: { 'Idempotency-Key': key } },
        body,
      }),
    ),

  acknowledge: (token: string | undefined, key: string, deliverableId: string, transmittalId: string, note?: string) =>
    settle(
      api.POST('/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/acknowledgement', {
        ...writeHeaders(token, key),
        params: { path: { deliverable_id: deliverableId, transmittal_id: transmittalId }, header: { 'Idempotency-Key': key } },
        body: { note },
      }),
    ),

  returnForRevision: (token: string | undefined, key: string, deliverableId: string, transmittalId: string, reason: string) =>
    settle(
      api.POST('/api/deliverables/{deliverable_id}/transmittals/{transmittal_id}/return', {
        ...writeHeaders(token, key),
        params: { path: { deliverable_id: deliverableId, transmittal_id: transmittalId }, header: { 'Idempotency-Key': key } },
        body: { reason },
      }),
    ),
};
