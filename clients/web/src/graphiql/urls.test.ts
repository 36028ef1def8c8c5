import { describe, expect, it } from 'vitest';
import { graphqlUrls } from './urls';

describe('graphqlUrls', () => {
  it('queries and subscribes at /graphql on the page server, over ws beside http', () => {
    expect(graphqlUrls('http://127.0.0.1:8080/graphiql')).toEqual({
      http: 'http://127.0.0.1:8080/graphql',
      ws: 'ws://127.0.0.1:8080/graphql',
    });
  });

  it('uses wss for a page served over https', () => {
    expect(graphqlUrls('https://plenary.example/graphiql?x=1').ws).toBe('wss://plenary.example/graphql');
  });
});
