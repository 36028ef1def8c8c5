// What people expect beyond the flows: errors explained next to the field with the input kept,
// Arabic laid out right to left, a phone-sized layout, and no serious accessibility violation.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, newPerson, seriousViolations, signInAs, startServer } from './harness.mjs';
import { castFor } from './people.mjs';

const GROUP = 'fg-dfc';

describe('errors, right to left and accessibility', { concurrency: false }, () => {
  let server;
  let browser;
  let cast;
  let meetingPath;
  let shortNoticeMeetingPath;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cast = castFor(server.demoPeople, GROUP, 'tsag');
    const { page, context } = await newPerson(browser, server.baseUrl);
    await page.goto(`/groups/${GROUP}`);
    await page.locator('#meetings-heading ~ ul a').last().click();
    await page.waitForURL(/\/meetings\//);
    meetingPath = new URL(page.url()).pathname;
    await context.close();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('a refused submission is explained next to the field and keeps what was typed', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl);
    await signInAs(page, cast.delegates[0].id);
    await page.goto(`${meetingPath}/submit`);
    // A title of blanks only: the browser lets it through, the server refuses it by field.
    await page.getByLabel('Title').fill('   ');
    await page.getByLabel('Agenda item').selectOption({ index: 1 });
    await page.getByLabel('Source organisations').fill('Example Central Bank');
    await page.getByLabel('File').setInputFiles({ name: 'note.txt', mimeType: 'text/plain', buffer: Buffer.from('text') });
    await page.getByRole('button', { name: 'Submit' }).click();

    const error = page.locator('[data-field-error="title"]');
    await error.waitFor();
    assert.ok((await error.textContent()).trim().length > 0);
    assert.equal(await page.getByLabel('Title').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.getByLabel('Source organisations').inputValue(), 'Example Central Bank');
    assert.ok(new URL(page.url()).pathname.endsWith('/submit'));
    await page.screenshot({ path: 'test-results/field-error.png', fullPage: true });
    await context.close();
  });

  it('the chair sees the four-week rule before announcing, and a short notice needs a waiver reason', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl);
    await signInAs(page, cast.chair.id);
    await page.goto(`/groups/${GROUP}/announce`);
    const inDays = (days) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel(/^Title/).fill('Extraordinary FG DFC meeting');
    await page.getByLabel('First day').fill(inDays(10));
    await page.getByLabel('Last day').fill(inDays(11));
    const rule = page.getByTestId('four-week-rule');
    assert.match(await rule.textContent(), /Only 10 days before the meeting/);
    await page.getByLabel('Item title').fill('Opening of the meeting');
    await page.getByRole('button', { name: 'Announce' }).click();

    const error = page.locator('[data-field-error="waiverReason"]');
    await error.waitFor();
    assert.equal(await page.getByLabel(/^Title/).inputValue(), 'Extraordinary FG DFC meeting');

    await page.getByLabel(/Reason for the shorter notice/).fill('An urgent liaison from TSAG needs an answer.');
    await page.getByRole('button', { name: 'Announce' }).click();
    await page.waitForURL(/\/meetings\//);
    await page.getByText('An urgent liaison from TSAG needs an answer.').waitFor();
    shortNoticeMeetingPath = new URL(page.url()).pathname;
    await context.close();
  });

  it('a document sent after the deadline is marked late and waits for the chair, who accepts it', async () => {
    // Ten days' notice puts the contribution deadline (start minus 12 days) in the past.
    const delegate = await newPerson(browser, server.baseUrl);
    await signInAs(delegate.page, cast.delegates[0].id);
    await delegate.page.goto(`${shortNoticeMeetingPath}/submit`);
    assert.match(await delegate.page.getByTestId('countdown').textContent(), /documents submitted now are late/);
    await delegate.page.getByLabel('Title').fill('Late input on the liaison');
    await delegate.page.getByLabel('Agenda item').selectOption({ index: 1 });
    await delegate.page.getByLabel('Source organisations').fill('Example Central Bank');
    await delegate.page.getByLabel('File').setInputFiles({ name: 'late.txt', mimeType: 'text/plain', buffer: Buffer.from('late') });
    await delegate.page.getByRole('button', { name: 'Submit' }).click();
    await delegate.page.waitForURL(/\/contributions\//);
    await delegate.page.getByText('Late: awaiting the chair').waitFor();
    await delegate.context.close();

    const chair = await newPerson(browser, server.baseUrl);
    await signInAs(chair.page, cast.chair.id);
    await chair.page.goto(shortNoticeMeetingPath);
    const entry = chair.page.locator('[data-testid="contributions"] li', { hasText: 'Late input on the liaison' });
    await entry.getByText('Late: awaiting the chair').waitFor();
    await entry.getByRole('button', { name: /^Accept / }).click();
    await entry.getByText('Late: accepted').waitFor();
    await chair.context.close();
  });

  it('a contribution can be seen as it stood at an earlier point of its history', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl);
    await page.goto(meetingPath);
    await page.locator('[data-testid="contributions"] a').first().click();
    await page.waitForURL(/\/contributions\//);
    const id = new URL(page.url()).pathname.split('/').pop();
    await page.goto(`/history/contribution/${id}`);
    const trail = page.getByTestId('audit-trail');
    await trail.getByText('ContributionSubmitted').waitFor();
    await trail.getByRole('link', { name: 'See it as it stood then' }).first().click();
    await page.getByTestId('asof-banner').waitFor();
    assert.match(new URL(page.url()).search, /asOf=/);
    await page.getByTestId('contribution-number').waitFor();
    await context.close();
  });

  it('Arabic is laid out right to left, with the interface in Arabic', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl, { locale: 'en-GB' });
    await page.goto(meetingPath);
    await page.getByRole('combobox', { name: 'Language' }).selectOption('ar');
    await page.locator('html[dir="rtl"][lang="ar"]').waitFor();
    await page.getByRole('link', { name: 'الأفرقة' }).first().waitFor();
    assert.match(await page.getByTestId('deadline').textContent(), /الموعد النهائي للمساهمات/);
    await page.screenshot({ path: 'test-results/meeting-ar.png', fullPage: true });
    await context.close();
  });

  it('a reader whose browser prefers Arabic gets it from the start, on a phone-sized screen', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl, { locale: 'ar-EG', viewport: { width: 390, height: 844 } });
    await page.goto('/');
    await page.locator('html[dir="rtl"]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone screen`);
    await page.screenshot({ path: 'test-results/groups-ar-phone.png', fullPage: true });
    await context.close();
  });

  it('works from the keyboard: the skip link, signing in and posting a comment', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl);
    await page.goto('/signin');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id || document.activeElement?.closest('main')?.id), 'content');

    await page.locator(`button[data-person="${cast.delegates[1].id}"]`).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === '/');

    await page.goto(meetingPath);
    await page.locator('[data-testid="contributions"] a').first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/contributions\//);
    await page.getByLabel('Add a comment').focus();
    await page.keyboard.type('Typed from the keyboard only.');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Post comment');
    await page.keyboard.press('Enter');
    await page.locator('article.comment', { hasText: 'Typed from the keyboard only.' }).waitFor();
    await context.close();
  });

  it('axe-core finds no serious or critical violation on the main pages', async () => {
    const { page, context } = await newPerson(browser, server.baseUrl);
    await signInAs(page, cast.chair.id);
    const pages = ['/signin', '/', `/groups/${GROUP}`, meetingPath, `${meetingPath}/submit`, `/groups/${GROUP}/announce`];
    // The demo meeting has contributions and FG DFC has deliverables: wait for the lists to
    // render rather than reading them while they are still loading.
    await page.goto(meetingPath);
    const contributionLink = page.locator('[data-testid="contributions"] a').first();
    await contributionLink.waitFor();
    const contribution = await contributionLink.getAttribute('href');
    pages.push(contribution, `/history/contribution/${contribution.split('/').pop()}`);
    await page.goto(`/groups/${GROUP}`);
    const deliverableLink = page.locator('#deliverables-heading ~ ul a').first();
    await deliverableLink.waitFor();
    pages.push(await deliverableLink.getAttribute('href'));
    pages.push('/inbox');
    const pagesChecked = [];
    for (const path of pages) {
      await page.goto(path);
      await page.locator('main h1').first().waitFor();
      pagesChecked.push(path);
      const violations = await seriousViolations(page);
      assert.deepEqual(violations, [], `${path}: ${JSON.stringify(violations, null, 1)}`);
    }
    assert.ok(pagesChecked.length >= 9, `only ${pagesChecked.join(', ')} were checked`);
    await context.close();
  });
});
