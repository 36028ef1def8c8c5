import { launchBrowser, newPerson, signInAs } from './harness.mjs';
const browser = await launchBrowser();
const { page } = await newPerson(browser, process.argv[2]);
await signInAs(page, 'kwame.mensah');
await page.goto('/groups/tsag/inbox'); await page.waitForTimeout(1500);
await page.locator('summary', { hasText: 'Audit trail' }).first().click();
console.log(await page.getByTestId('audit-trail').first().innerText());
await page.screenshot({ path: '/tmp/r-inbox.png', fullPage: true });
await browser.close();
