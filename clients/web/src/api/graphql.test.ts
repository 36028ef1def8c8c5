import { afterEach, describe, expect, it, vi } from 'vitest';
import { graphqlRequest, websocketUrl, type TypedDocument } from './graphql';
import { ApiError } from '../lib/problem';

const Viewer = 'query Viewer { viewer { person } }' as unknown as TypedDocument<{ viewer: { person: string } }, Record<string, never>>;

afterEach(() => vi.unstubAllGlobals());

describe('GraphQL over HTTP', () => {
  it('sends the operation with the bearer token and returns the data', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ data: { viewer: { person: 'li.wei' } } })));
    vi.stubGlobal('fetch', fetch);
    await expect(graphqlRequest(Viewer, {}, 'a.b.c')).resolves.toEqual({ viewer: { person: 'li.wei' } });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/graphql');
    expect(new Headers(init.headers).get('authorization')).toBe('Bearer a.b.c');
    expect(JSON.parse(init.body as string)).toEqual({ query: 'query Viewer { viewer { person } }', variables: {} });
  });

  it('turns GraphQL errors into an ApiError with the stable code', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => new Response(JSON.stringify({ data: null, errors: [{ message: 'not allowed', extensions: { code: 'forbidden' } }] }))),
    );
    const failure = await graphqlRequest(Viewer, {}, undefined).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect((failure as ApiError).problem.code).toBe('forbidden');
  });

  it('reports an unreachable server as a network problem', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const failure = (await graphqlRequest(Viewer, {}, undefined).catch((e: unknown) => e)) as ApiError;
    expect(failure.problem.code).toBe('network');
  });
});

describe('subscriptions', () => {
  it('use the same origin, secure when the page is', () => {
    expect(websocketUrl({ protocol: 'https:', host: 'plenary.example' })).toBe('wss://plenary.example/graphql');
    expect(websocketUrl({ protocol: 'http:', host: '127.0.0.1:8080' })).toBe('ws://127.0.0.1:8080/graphql');
  });
});
