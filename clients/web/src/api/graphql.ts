// Queries over HTTP and subscriptions over graphql-transport-ws, typed by the generated documents.

import { createClient, type Client } from 'graphql-ws';
import { ApiError, type Problem } from '../lib/problem';

/** What the generated `TypedDocumentString` is: the operation's text, typed by result and variables. */
export interface TypedDocument<Result, Variables> {
  toString(): string;
  /** Phantom: carries the types only. */
  __apiType?: (variables: Variables) => Result;
}

interface GraphQLErrorBody {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: GraphQLErrorBody[];
}

export const GRAPHQL_PATH = '/graphql';

/** Turns GraphQL errors into the same ApiError as REST failures, keeping the stable code. */
export function graphQLError(errors: readonly GraphQLErrorBody[], status: number): ApiError {
  const first = errors[0];
  const problem: Problem = {
    title: first?.message ?? 'GraphQL error',
    detail: errors.map((e) => e.message).join(' '),
    code: typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined,
    status,
  };
  return new ApiError(problem, status);
}

export async function graphqlRequest<Result, Variables>(
  document: TypedDocument<Result, Variables>,
  variables: Variables,
  token: string | undefined,
  signal?: AbortSignal,
): Promise<Result> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document.toString(), variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError({ code: 'network', title: String(error) }, 0);
  }
  let body: GraphQLResponse<Result>;
  try {
    body = (await response.json()) as GraphQLResponse<Result>;
  } catch {
    throw new ApiError({ status: response.status, title: response.statusText }, response.status);
  }
  if (body.errors?.length) throw graphQLError(body.errors, response.status);
  if (body.data == null) throw new ApiError({ status: response.status, title: 'no data' }, response.status);
  return body.data;
}

export function websocketUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${GRAPHQL_PATH}`;
}

/** One WebSocket per signed-in person; the token travels in `connection_init`. */
export function createSubscriptionClient(token: string | undefined): Client {
  return createClient({
    url: websocketUrl(window.location),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
  });
}

export function subscribe<Result, Variables>(
  client: Client,
  document: TypedDocument<Result, Variables>,
  variables: Variables,
  onData: (data: Result) => void,
): () => void {
  return client.subscribe<Result>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (value) => {
        if (value.data) onData(value.data);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}
