// One browser signed in to the default database's console and to a tenant's: each keeps its
// own sign-in (a tenant's cookies carry its name, so the default database's pair, which goes
// with every path, is not read by the tenant), and signing out of the tenant leaves the
// default database's sign-in alone.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { ANA0, TJE0, camera, click, launchBrowser, newPerson, signIn, startService, until, waitForText } from './helpers.mjs';
import { story } from './story.mjs';

const shot = camera('tenants');
const { step, watch } = story(shot);

describe('a default database and a tenant in one browser', () => {
  let service, browser, agent, acme;

  before(async () => {
    service = await startService({ supportOrigins: 'http://localhost:1', tenant: 'acme' });
    acme = service.base + 'acme/';
    browser = await launchBrowser();
    agent = await newPerson(browser);
    watch('agent', agent);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  /** Some waiting session's row shows on the console open on `page` (the demo's queue). */
  async function listed(page) {
    await until('the console to list the queue', async () => {
      const rows = await page.$$('[data-testid="session-row"]');
      return rows.length > 0;
    });
  }

  step("tje0 signs in to the default database's console and sees its queue", async () => {
    await signIn(agent, service.base, TJE0);
    await listed(agent);
    await shot(agent, 'default-signed-in');
  });

  step("ana0 signs in to acme's console in the same browser and sees acme's queue", async () => {
    await signIn(agent, acme, ANA0);
    await listed(agent);
    const cookies = (await agent.cookies(acme)).map((cookie) => cookie.name).sort();
    assert.deepEqual(cookies, ['SoTicket', 'SoTicket.acme', 'XSRF-TOKEN', 'XSRF-TOKEN.acme']);
    await shot(agent, 'acme-signed-in');
  });

  step("both consoles go on working: the default one is still tje0's", async () => {
    await agent.goto(service.base + 'console');
    await waitForText(agent, 'page', 'signed-in-name', TJE0.login);
    await listed(agent);
    await agent.goto(acme + 'console');
    await waitForText(agent, 'page', 'signed-in-name', ANA0.login);
    await listed(agent);
  });

  step("signing out of acme clears acme's pair and keeps the default database's sign-in", async () => {
    await click(agent, 'page', 'sign-out');
    // The form is in the page all along, hidden while signed in: wait until it shows, which
    // the console does only once the service has answered the sign-out.
    await agent.waitForSelector('[data-testid="username"]', { visible: true });
    const names = (await agent.cookies(acme)).map((cookie) => cookie.name).sort();
    assert.deepEqual(names, ['SoTicket', 'XSRF-TOKEN']);
    await agent.goto(service.base + 'console');
    await waitForText(agent, 'page', 'signed-in-name', TJE0.login);
    await listed(agent);
    await shot(agent, 'default-still-signed-in');
  });
});
