// Where GraphiQL sends queries and opens subscriptions: `/graphql` on the page's own server.

export function graphqlUrls(page: string): { http: string; ws: string } {
  const http = new URL('/graphql', page);
  const ws = new URL(http);
  ws.protocol = http.protocol === 'https:' ? 'wss:' : 'ws:';
  return { http: http.toString(), ws: ws.toString() };
}
