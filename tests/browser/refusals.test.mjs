// What a person is told when something is refused: a wrong password on the console shows
// the service's problem detail, and the widget embedded on a page of an origin the topic
// does not allow says so and starts no chat.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import { TJE0, camera, click, fill, launchBrowser, newPerson, read, sessions, startService, startShop, waitForText } from './helpers.mjs';
import { story } from './story.mjs';

const SUPPORT = 2;
const shot = camera('refusals');
const { step, watch } = story(shot);

describe('refusals', () => {
  let service, shop, browser, agent, customer;

  before(async () => {
    shop = await startShop(SUPPORT);
    service = await startService({ supportOrigins: shop.allowed });
    shop.embed(service);
    browser = await launchBrowser();
    agent = await newPerson(browser);
    customer = await newPerson(browser);
    watch('agent', agent);
    watch('customer', customer);
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
    await service?.stop();
  });

  step("a wrong password on the console shows the problem's detail, and no one is signed in", async () => {
    // What the service says to these credentials.
    const answer = await fetch(service.base + 'api/v1/Auth/SignIn', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ Username: TJE0.login, Password: 'not-the-password' }),
    });
    assert.equal(answer.status, 401);
    const { detail } = await answer.json();
    assert.ok(detail);

    await agent.goto(service.base + 'console');
    await fill(agent, 'page', 'username', TJE0.login);
    await fill(agent, 'page', 'password', 'not-the-password');
    await click(agent, 'page', 'sign-in');
    const shown = await waitForText(agent, 'page', 'alert', detail);
    assert.equal(shown, detail);
    const [name] = await read(agent, 'page', '[data-testid="signed-in-name"]');
    assert.ok(!name.shown, 'nobody is signed in');
    const [form] = await read(agent, 'page', '#sign-in');
    assert.ok(form.shown, 'the sign-in form stays');
    const cookies = await agent.cookies();
    assert.ok(!cookies.some((one) => one.name === 'SoTicket'), 'no ticket was set');
    await shot(agent, 'wrong-password');
  });

  step('the widget on a page of an origin Support does not allow is refused, keeps what was typed, and starts no chat', async () => {
    const before = (await sessions(service)).length;
    // The service's own answer to that origin, which names the command that allows it.
    const answer = await fetch(service.base + `api/v1/Customer/ChatTopic/${SUPPORT}/Sessions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: shop.foreign },
      body: JSON.stringify({ Message: 'probe' }),
    });
    assert.equal(answer.status, 403);
    assert.match((await answer.json()).detail, /set-topic-origins/);

    await customer.goto(shop.foreign + '/');
    await click(customer, 'widget', 'chat-launcher');
    await fill(customer, 'widget', 'chat-name', 'Per Utenfor');
    await fill(customer, 'widget', 'chat-message-input', 'Hello from a page you do not know');
    await click(customer, 'widget', 'chat-start');
    // The browser hides the 403 from the script (it carries no CORS headers for this
    // origin); the widget, finding the service reachable, says chat is not available here.
    await waitForText(customer, 'widget', 'chat-alert', 'Chat is not available on this page.');
    await waitForText(customer, 'widget', 'chat-start', 'Try again');
    const [input] = await read(customer, 'widget', '[data-testid="chat-message-input"]');
    assert.equal(input.value, 'Hello from a page you do not know', 'what was typed is kept');
    const [queue] = await read(customer, 'widget', '[data-testid="chat-queue-position"]');
    assert.equal(queue, undefined, 'no place in a queue');
    assert.equal((await sessions(service)).length, before, 'no session was created');
    await shot(customer, 'foreign-origin');
  });
});
