// The main flow in a browser against the real server: a delegate submits and comments, a second
// delegate sees the comment live, the chair runs a consensus call and records the decision, and
// the parent group receives the deliverable with its audit trail.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPerson, signInAs, startServer } from './harness.mjs';
import { castFor } from './people.mjs';
import { ensureDeliverable, ensureParentMeeting } from './setup.mjs';

const GROUP = 'fg-dfc';
const PARENT = 'tsag';

describe('delegates, chair and parent group', { concurrency: false }, () => {
  let server;
  let browser;
  let cast;
  let delegateA;
  let delegateB;
  let chair;
  let contributionUrl;
  let contributionNumber;
  let deliverable;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cast = castFor(server.demoPeople, GROUP, PARENT);
    await ensureParentMeeting(server, cast.secretariat.id, PARENT);
    deliverable = await ensureDeliverable(server, cast.secretariat.id, GROUP, cast.editor.id);
    delegateA = await newPerson(browser, server.baseUrl);
    delegateB = await newPerson(browser, server.baseUrl, { timezoneId: 'Asia/Shanghai' });
    chair = await newPerson(browser, server.baseUrl);
    await signInAs(delegateA.page, cast.delegates[0].id);
    await signInAs(delegateB.page, cast.delegates[1].id);
    await signInAs(chair.page, cast.chair.id);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a delegate submits a contribution with its file to the upcoming meeting', async () => {
    const { page } = delegateA;
    await page.goto(`/groups/${GROUP}`);
    await page.locator('#meetings-heading ~ ul a').last().click();
    await page.waitForURL(/\/meetings\//);
    await page.getByTestId('deadline').waitFor();
    await page.getByRole('link', { name: 'Submit a contribution' }).click();
    await page.getByLabel('Title').fill('Offline payments with digital fiat currency');
    await page.getByLabel('Agenda item').selectOption({ index: 1 });
    await page.getByLabel('Source organisations').fill('Example Central Bank');
    await page.getByLabel('File').setInputFiles({
      name: 'offline-payments.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('A proposal for offline payments.\n'),
    });
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/\/contributions\//);
    contributionUrl = new URL(page.url()).pathname;
    contributionNumber = await page.getByTestId('contribution-number').textContent();
    assert.match(contributionNumber, /^DFC-I-\d+/);
    await page.getByRole('link', { name: /Download offline-payments\.txt/ }).waitFor();
  });

  it('a second delegate sees the first delegate comment appear without a reload', async () => {
    await delegateB.page.goto(contributionUrl);
    await delegateB.page.getByTestId('comments').waitFor();
    await delegateB.page.locator('[data-testid="live-status"][data-live="on"]').waitFor();
    // The subscribe message follows the connection's acknowledgement: let it reach the server.
    await delegateB.page.waitForTimeout(300);

    const text = `Section 3 should cover double spending (${Date.now()})`;
    await delegateA.page.getByLabel('Add a comment').fill(text);
    await delegateA.page.getByRole('button', { name: 'Post comment' }).click();
    await delegateA.page.getByText(text).waitFor();

    await delegateB.page.getByText(text).waitFor({ timeout: 10_000 });
  });

  it('the delegate replies, edits and retracts, and the thread keeps its place', async () => {
    const { page } = delegateB;
    await page.getByRole('button', { name: /^Reply/ }).first().click();
    await page.getByLabel(/^Reply to/).fill('Agreed, and offline limits too.');
    await page.getByRole('button', { name: 'Reply', exact: true }).click();
    await page.getByText('Agreed, and offline limits too.').waitFor();

    const mine = page.locator('article.comment', { hasText: 'Agreed, and offline limits too.' }).last();
    await mine.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Edit your comment').fill('Agreed, and offline spending limits too.');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Agreed, and offline spending limits too.').waitFor();

    await page.locator('article.comment', { hasText: 'offline spending limits' }).getByRole('button', { name: 'Retract' }).click();
    await page.getByText('This comment was retracted.').waitFor();
  });

  it('the editor publishes a draft of the deliverable that builds on the contribution', async () => {
    const editor = await newPerson(browser, server.baseUrl);
    await signInAs(editor.page, cast.editor.id);
    await editor.page.goto(`/deliverables/${deliverable.id}`);
    await editor.page.locator('summary', { hasText: 'Publish a draft version' }).click();
    const form = editor.page.getByTestId('publish-draft');
    await form.getByLabel('File').setInputFiles({
      name: 'security-architecture-draft.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Security architecture and reference model: draft.\n'),
    });
    await form.getByLabel('Builds on').selectOption({ label: `${contributionNumber} Offline payments with digital fiat currency` });
    await form.getByRole('button', { name: 'Publish a draft version' }).click();
    await editor.page.getByText(/^Draft \d+: DFC-O-\d+/).first().waitFor();
    await editor.context.close();
  });

  it('the chair opens a consensus call on a draft deliverable and delegates state positions', async () => {
    const { page } = chair;
    await page.goto(`/groups/${GROUP}`);
    await page.getByRole('link', { name: deliverable.title }).click();
    await page.waitForURL(/\/deliverables\//);
    await page.locator('summary', { hasText: /Open a consensus call on draft/ }).click();
    await page.getByLabel('Question put to the meeting').fill('Can the meeting approve this draft for transmission to TSAG?');
    await page.getByRole('button', { name: 'Open a consensus call' }).click();
    await page.waitForURL(/\/calls\//);
    const callUrl = new URL(page.url()).pathname;
    await page.locator('[data-testid="live-status"][data-live="on"]').waitFor();
    await page.waitForTimeout(300);

    await delegateA.page.goto(callUrl);
    await delegateA.page.getByLabel('Support', { exact: true }).check();
    await delegateA.page.getByRole('button', { name: 'State position' }).click();
    await delegateA.page.getByText('Your position was recorded.').waitFor();

    await delegateB.page.goto(callUrl);
    await delegateB.page.getByLabel('Object', { exact: true }).check();
    await delegateB.page.getByLabel(/^Reason/).fill('The security chapter is incomplete.');
    await delegateB.page.getByRole('button', { name: 'State position' }).click();
    await delegateB.page.getByText('Your position was recorded.').waitFor();

    // The chair watches them arrive without reloading.
    await page.getByTestId('tally').filter({ hasText: '1 support, 1 object' }).waitFor({ timeout: 10_000 });
  });

  it('the chair records the decision with the objection and what became of it', async () => {
    const { page } = chair;
    const form = page.getByTestId('record-decision');
    await form.getByLabel('Outcome').selectOption('AGREED_WITH_MODIFICATIONS');
    await form.getByLabel('Summary').fill('Approved with the security chapter completed by the editors.');
    await form.getByText('The security chapter is incomplete.').waitFor();
    await form.getByLabel('What became of it').selectOption('RESOLVED');
    await form.getByRole('button', { name: 'Record the decision' }).click();
    await page.getByTestId('decision').filter({ hasText: 'Agreed with modifications' }).waitFor();
    await delegateA.page.getByTestId('decision').filter({ hasText: 'Agreed with modifications' }).waitFor({ timeout: 10_000 });
  });

  it('the chair transmits the approved deliverable, with the four-week rule shown', async () => {
    const { page } = chair;
    // Approval is recorded by the routing service reacting to the decision: wait for it.
    for (let attempt = 0; attempt < 20; attempt += 1) {
      await page.goto(`/deliverables/${deliverable.id}`);
      if (await page.getByTestId('transmit').isVisible()) break;
      await page.waitForTimeout(500);
    }
    const form = page.getByTestId('transmit');
    await form.getByTestId('four-week-rule').waitFor();
    assert.match(await form.getByTestId('four-week-rule').textContent(), /four-week rule is met/);
    await form.getByRole('button', { name: 'Transmit to the parent group' }).click();
    await page.getByText('Deliverable transmitted.').waitFor();
    await page.getByTestId('deliverable-status').filter({ hasText: 'Transmitted' }).waitFor();
  });

  it('the parent group finds it in its inbox with the decision and the audit trail', async () => {
    const member = await newPerson(browser, server.baseUrl);
    await signInAs(member.page, cast.parentMember.id);
    await member.page.goto(`/groups/${PARENT}/inbox`);
    const entry = member.page.locator('[data-transmittal-id]').first();
    await entry.waitFor();
    await entry.getByText('Agreed with modifications').waitFor();
    await entry.locator('summary', { hasText: 'Audit trail' }).click();
    const trail = entry.getByTestId('audit-trail');
    for (const type of ['DraftPublished', 'DeliverableApproved', 'DeliverableTransmitted']) {
      await trail.getByText(type, { exact: true }).first().waitFor();
    }
    await entry.getByRole('button', { name: 'Acknowledge' }).click();
    await entry.getByTestId('transmittal-status').filter({ hasText: 'Acknowledged' }).waitFor();
    await member.page.screenshot({ path: 'test-results/inbox.png', fullPage: true });
  });
});
