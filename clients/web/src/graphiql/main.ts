// GraphiQL, bundled with the web client so that `/graphiql` works without internet access.
// Plain `createElement` calls: this entry uses React (GraphiQL needs it), while the
// build's JSX is Preact's.

import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createClient } from 'graphql-ws';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GRAPHQL_PATH, websocketUrl } from '../api/graphql';

const DEFAULT_QUERY = `# Public: the groups and their meetings. For the rest, add a header
# {"Authorization": "Bearer <token>"} (\`plenary token <person>\` mints one in demo mode).
query Groups {
  groups {
    acronym
    name
    parent { acronym }
    meetings { title startsOn contributionDeadline }
  }
}
`;

// Subscriptions authenticate in `connection_init`: the client sends the headers of the
// operation that opened the connection (it closes when no subscription is left, so the next
// one sends the headers then in force).
let headers: Record<string, unknown> = {};
const toolkitFetcher = createGraphiQLFetcher({
  url: GRAPHQL_PATH,
  // The server answers plain JSON (it has no @defer or @stream); through the toolkit's
  // multipart reader, GraphiQL showed no answer at all.
  enableIncrementalDelivery: false,
  wsClient: createClient({ url: websocketUrl(window.location), connectionParams: () => headers }),
});
const fetcher: Fetcher = (params, options) => {
  headers = options?.headers ?? {};
  return toolkitFetcher(params, options);
};

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY }),
);
