// GraphiQL at /graphiql is built with the web client: it must work with nothing loaded from
// outside the server, and its subscriptions must sign in with the headers typed into it (the
// demo groups are public, so the comment would arrive anyway: the test reads what was sent).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPerson, startServer } from './harness.mjs';
import { castFor } from './people.mjs';
import { api } from './setup.mjs';

const GROUP = 'fg-dfc';

/** Opens GraphiQL with every request to another origin refused; returns those requests. */
async function openGraphiql(browser, server) {
  const { page, context } = await newPerson(browser, server.baseUrl);
  const elsewhere = [];
  const origin = new URL(server.baseUrl).origin;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    elsewhere.push(url);
    return route.abort();
  });
  // GraphiQL runs an operation only once it has the schema.
  const schemaLoaded = page.waitForResponse(
    (response) => response.url().endsWith('/graphql') && (response.request().postData() ?? '').includes('IntrospectionQuery'),
  );
  await page.goto('/graphiql');
  await schemaLoaded;
  await page.locator('.graphiql-execute-button').waitFor();
  return { page, context, elsewhere };
}

/** Replaces the text of the CodeMirror editor inside `selector`. */
async function setEditor(page, selector, text) {
  await page.locator(`${selector} .CodeMirror`).waitFor();
  await page.evaluate(
    ([selector, text]) => document.querySelector(`${selector} .CodeMirror`).CodeMirror.setValue(text),
    [selector, text],
  );
}

/** Waits until the response pane holds `expected`; returns its text. */
async function responseContaining(page, expected) {
  const text = await page.waitForFunction(
    (expected) => {
      const text = document.querySelector('.result-window .CodeMirror')?.CodeMirror.getValue();
      return text?.includes(expected) && text;
    },
    expected,
    { timeout: 15_000 },
  );
  return text.jsonValue();
}

describe('GraphiQL', { concurrency: false }, () => {
  let server;
  let browser;
  let cast;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cast = castFor(server.demoPeople, GROUP, 'tsag');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('runs its default query with nothing loaded from another origin', async () => {
    const { page, context, elsewhere } = await openGraphiql(browser, server);
    await page.locator('.graphiql-execute-button').click();
    const answer = JSON.parse(await responseContaining(page, '"FG DFC"'));
    const fgDfc = answer.data.groups.find((group) => group.acronym === 'FG DFC');
    assert.equal(fgDfc.parent.acronym, 'TSAG');
    assert.deepEqual(elsewhere, []);
    await page.screenshot({ path: 'test-results/graphiql.png' });
    await context.close();
  });

  it('a subscription signs in with the headers typed in GraphiQL and receives a new comment', async () => {
    const chair = cast.chair;
    const delegate = cast.delegates[0];
    const { page, context, elsewhere } = await openGraphiql(browser, server);
    await page.getByRole('button', { name: 'Headers' }).click();
    await setEditor(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({ Authorization: `Bearer ${chair.token}` }));
    await setEditor(page, '.graphiql-query-editor', `subscription Live { commentPosted(group: "${GROUP}") { author text } }`);
    // GraphiQL takes the operation to run from the editor a moment after a change, and keeps
    // its name then.
    await page.waitForFunction(() => localStorage.getItem('graphiql:operationName') === 'Live');
    const sent = [];
    const subscribed = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('GraphiQL sent no subscription over WebSocket')), 15_000);
      page.on('websocket', (socket) =>
        socket.on('framesent', (frame) => {
          const message = JSON.parse(String(frame.payload));
          sent.push(message);
          if (message.type === 'subscribe') {
            clearTimeout(timer);
            resolve();
          }
        }),
      );
    });
    await page.locator('.graphiql-execute-button').click();
    await subscribed;
    const init = sent.find((message) => message.type === 'connection_init');
    assert.deepEqual(init.payload, { Authorization: `Bearer ${chair.token}` });

    const { call, graphql } = api(server, delegate.id);
    const { group } = await graphql('query($id: String!) { group(id: $id) { contributions(first: 1) { edges { node { id } } } } }', { id: GROUP });
    const contribution = group.contributions.edges[0].node.id;
    const text = `Seen live in GraphiQL ${Date.now()}`;
    await call('POST', '/api/threads', { groupId: GROUP, subject: { kind: 'contribution', id: contribution }, text });

    const answer = JSON.parse(await responseContaining(page, text));
    assert.deepEqual(answer.data.commentPosted, { author: delegate.id, text });
    assert.deepEqual(elsewhere, []);
    await context.close();
  });
});
