// axe-core's scan of the service's own pages as a person uses them: the demo shop page
// (/chat/demo) with the widget open - its form, the queue, a conversation - and the console
// - signing in, the list, a conversation open. Any serious or critical violation fails.
// The screenshots of the conversation on both pages are the README's pictures
// (CHAT_PICKUP_UPDATE_DOCS_IMAGES=1 copies them to docs/images/).

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  TJE0,
  camera,
  click,
  consoleMessages,
  describeViolations,
  fill,
  keepForDocs,
  launchBrowser,
  newPerson,
  read,
  sessionRow,
  scan,
  signIn,
  startService,
  until,
  waitForText,
  widgetMessages,
} from './helpers.mjs';
import { story } from './story.mjs';

const SALES = 1;
const shot = camera('accessibility');
const { step, watch } = story(shot);

/** Fails on a serious or critical violation; tells of the lesser ones. */
async function assertAccessible(page, what) {
  const { rules, serious, lesser } = await scan(page);
  assert.ok(rules > 10, `axe-core applied ${rules} rules to ${what}: did it run?`);
  if (lesser.length) console.log(`moderate or minor accessibility findings on ${what}:\n${describeViolations(lesser)}`);
  assert.equal(serious.length, 0, `serious or critical accessibility violations on ${what}:\n${describeViolations(serious)}`);
}

describe('accessibility of the demo page with the widget, and of the console', () => {
  let service, browser, customer, agent, chat;

  before(async () => {
    service = await startService({ supportOrigins: '' });
    browser = await launchBrowser();
    customer = await newPerson(browser);
    await customer.setViewport({ width: 1100, height: 760 });
    agent = await newPerson(browser);
    await agent.setViewport({ width: 1280, height: 800 });
    watch('customer', customer);
    watch('agent', agent);
  });

  after(async () => {
    await browser?.close();
    await service?.stop();
  });

  step('the demo page with the widget open on its form', async () => {
    await customer.goto(service.base + 'chat/demo');
    await click(customer, 'widget', 'chat-launcher');
    await waitForText(customer, 'widget', 'chat-start', 'Start chat');
    await shot(customer, 'widget-form');
    await assertAccessible(customer, '/chat/demo, the widget\'s form');
  });

  step('the widget waiting in the queue', async () => {
    await fill(customer, 'widget', 'chat-name', 'Ola Nordmann');
    await fill(customer, 'widget', 'chat-message-input', 'Do you have the Skarven 2 tent in green?');
    await click(customer, 'widget', 'chat-start');
    await waitForText(customer, 'widget', 'chat-queue-position', /^\d+$/);
    chat = await customer.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).id, `chat-pickup:${service.base}:${SALES}`);
    await shot(customer, 'widget-queue');
    await assertAccessible(customer, '/chat/demo, the widget in the queue');
  });

  step('the console: signing in, then the list', async () => {
    await agent.goto(service.base + 'console');
    await waitForText(agent, 'page', 'sign-in', 'Sign in');
    await assertAccessible(agent, '/console, signing in');
    await signIn(agent, service.base, TJE0);
    await sessionRow(agent, chat, { status: 'InQueue' });
    await shot(agent, 'console-list');
    await assertAccessible(agent, '/console, the list');
  });

  step('a conversation open on both pages', async () => {
    await agent.locator(`[data-testid="session-row"][data-session-id="${chat}"] [data-testid="session-pick-up"]`).click();
    await waitForText(customer, 'widget', 'chat-agent-name', TJE0.name);
    await fill(agent, 'page', 'message-input', 'Yes - in green and in grey. Shall I put one aside for you?');
    await click(agent, 'page', 'send');
    await waitForText(customer, 'widget', 'chat-message', 'Shall I put one aside for you?', '[data-type="ToCustomer"]');
    await fill(customer, 'widget', 'chat-message-input', 'Yes please, the green one. I can collect it on Friday.');
    await click(customer, 'widget', 'chat-send');
    await waitForText(agent, 'page', 'message', 'I can collect it on Friday.', '[data-type="ToUser"]');
    await until('every message to be confirmed', async () => (await widgetMessages(customer)).every((m) => m.id));
    // Times as the browser's language and region (en-GB) write them: 24-hour, no AM/PM.
    const times = await read(customer, 'widget', '[data-testid="chat-message"] time');
    assert.ok(times.length >= 4);
    for (const time of times) assert.match(time.text, /^\d\d:\d\d$/);
    await until('the console to show the whole conversation', async () => (await consoleMessages(agent)).length >= 4);
    // The README's pictures: the list shows the pick-up, the conversation what was said.
    await agent.evaluate(() => window.scrollTo(0, 0));
    await agent.evaluate(() => document.activeElement?.blur());
    await customer.evaluate(() => document.activeElement?.blur());
    keepForDocs(await shot(customer, 'widget-conversation'), 'widget.png');
    keepForDocs(await shot(agent, 'console-conversation'), 'console.png');
    await assertAccessible(customer, '/chat/demo, the widget in a conversation');
    await assertAccessible(agent, '/console, a conversation open');
  });

  step('the widget after the customer ended the chat', async () => {
    await click(customer, 'widget', 'chat-end');
    await waitForText(customer, 'widget', 'chat-new', 'Start a new chat');
    await shot(customer, 'widget-ended');
    await assertAccessible(customer, '/chat/demo, the widget after the end');
  });

  step('no page had an uncaught error or a Content Security Policy violation', async () => {
    assert.deepEqual(customer.problems, [], 'the demo page');
    assert.deepEqual(agent.problems, [], 'the console');
  });
});
