// The whole conversation, as people hold it: a Norwegian customer on a shop's own site (an
// origin Support allows) and two agents on the console, each in a browser context of their
// own. Start, place in the queue, "pick up next" (which takes an older session) and the
// pick-up of the customer's own one, the welcome in Norwegian, messages both ways without
// a reload, tje0's offer of the chat to ana0 declined and then accepted, a reload of the
// customer's page that continues the chat, the agent's end; then a new chat that the
// customer ends.

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';

import {
  ANA0,
  TJE0,
  api,
  camera,
  click,
  consoleMessages,
  fill,
  launchBrowser,
  newPerson,
  read,
  sessionRow,
  sessions,
  signIn,
  startService,
  startShop,
  until,
  waitForText,
  widgetMessages,
} from './helpers.mjs';
import { story } from './story.mjs';

const SUPPORT = 2;
const shot = camera('conversation');
const { step, watch } = story(shot);

describe('a whole conversation between a customer on a shop page and two agents on the console', () => {
  let service, shop, browser, customer, tje0, ana0;
  /** The customer's session id, and the one "pick up next" took. */
  let chat, next;
  /** What the customer's widget showed before the reload. */
  let beforeReload;

  before(async () => {
    shop = await startShop(SUPPORT);
    service = await startService({ supportOrigins: shop.allowed });
    shop.embed(service);
    // The estimated wait is the topic's running average less what was waited already: a new
    // database has none until a session of Support was picked up. ana0 takes the demo's
    // Kari Nordmann (through the API) so that the customer below is shown a wait.
    const waiting = (await sessions(service)).find((one) => one.CustomerName === 'Kari Nordmann' && one.Status === 'InQueue');
    const taken = await api(service, ANA0, 'POST', `api/v1/ChatSession/${waiting.ChatSessionId}/Pickup`);
    assert.equal(taken.status, 200, JSON.stringify(taken.data));
    browser = await launchBrowser();
    customer = await newPerson(browser, { locale: 'nb-NO' });
    tje0 = await newPerson(browser);
    ana0 = await newPerson(browser);
    watch('customer', customer);
    watch('tje0', tje0);
    watch('ana0', ana0);
  });

  after(async () => {
    await browser?.close();
    await shop?.stop();
    await service?.stop();
  });

  /** Marks the customer's document; `sameDocument()` is false after a reload. */
  const mark = () => customer.evaluate(() => (window.__chatTestMark = true));
  const sameDocument = () => customer.evaluate(() => window.__chatTestMark === true);
  const row = (id) => `[data-testid="session-row"][data-session-id="${id}"]`;

  step('the customer starts a chat on the shop page, in Norwegian, and sees the place in the queue and the wait', async () => {
    await customer.goto(shop.allowed + '/');
    await mark();
    assert.equal(await customer.evaluate(() => navigator.language), 'nb-NO');
    await waitForText(customer, 'widget', 'chat-launcher', 'Chat med oss');
    await shot(customer, 'customer-shop-page');
    await click(customer, 'widget', 'chat-launcher');
    await fill(customer, 'widget', 'chat-name', 'Kari Testesen');
    await fill(customer, 'widget', 'chat-email', 'kari@example.com');
    await click(customer, 'widget', 'chat-consent');
    await fill(customer, 'widget', 'chat-message-input', 'Hei! Hvor er pakken min?');
    await shot(customer, 'customer-form');
    await click(customer, 'widget', 'chat-start');
    const place = await waitForText(customer, 'widget', 'chat-queue-position', /^\d+$/);
    assert.ok(Number(place) >= 1, `the place in the queue: ${place}`);
    const [wait] = await read(customer, 'widget', '[data-testid="chat-estimated-wait"]');
    assert.ok(wait?.shown && wait.text, 'the estimated wait shows');
    assert.match(wait.data.seconds, /^\d+$/);
    chat = await customer.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).id, `chat-pickup:${service.base}:${SUPPORT}`);
    assert.ok(chat > 0, 'the session id is kept in the tab');
    const [first] = await widgetMessages(customer);
    assert.equal(first.text.endsWith('Hei! Hvor er pakken min?'), true, JSON.stringify(first));
    await shot(customer, 'customer-in-queue');
  });

  step('tje0 signs in and sees the chat waiting; "pick up next" takes the oldest waiting session, not this one', async () => {
    await signIn(tje0, service.base, TJE0);
    await sessionRow(tje0, chat, { status: 'InQueue', mine: 'false' });
    await shot(tje0, 'tje0-queue');
    await click(tje0, 'page', 'pick-up-next');
    const status = await waitForText(tje0, 'page', 'status', /You picked up session \d+/);
    next = Number(/session (\d+)/.exec(status)[1]);
    assert.notEqual(next, chat, 'the demo has older sessions waiting');
    assert.ok(next < chat);
    await until('the conversation picked up next to open', async () => {
      const [open] = await read(tje0, 'page', `#conversation[data-session-id="${next}"]`);
      return open?.shown;
    });
    // Its welcome went out as the pickup's first answer to the customer.
    await until(`session ${next}'s welcome on the console`, async () =>
      (await consoleMessages(tje0)).some((m) => m.special === 'Welcome' && m.text.length > 0),
    );
    await sessionRow(tje0, next, { mine: 'true' });
    await sessionRow(tje0, chat, { status: 'InQueue' });
    await shot(tje0, 'tje0-picked-up-next');
  });

  step("tje0 picks up the customer's own session from the list", async () => {
    await tje0.locator(`${row(chat)} [data-testid="session-pick-up"]`).click();
    await waitForText(tje0, 'page', 'status', `You picked up session ${chat} (Kari Testesen)`);
    await until('the conversation to open', async () => {
      const [open] = await read(tje0, 'page', `#conversation[data-session-id="${chat}"]`);
      return open?.shown;
    });
    await until("the customer's first message on the console", async () =>
      (await consoleMessages(tje0)).some((m) => m.type === 'ToUser' && m.text.endsWith('Hei! Hvor er pakken min?')),
    );
    await sessionRow(tje0, chat, { mine: 'true' });
    await shot(tje0, 'tje0-picked-up-chat');
  });

  step('the customer sees the welcome in Norwegian and the agent\'s name, without a reload', async () => {
    await waitForText(customer, 'widget', 'chat-message', 'Velkommen! Hva kan vi hjelpe med?', '[data-special-type="Welcome"]');
    await waitForText(customer, 'widget', 'chat-agent-name', TJE0.name);
    const [queue] = await read(customer, 'widget', '[data-testid="chat-queue-position"]');
    assert.ok(!queue?.shown, 'the place in the queue is gone');
    assert.ok(await sameDocument(), 'the page was not reloaded');
    await shot(customer, 'customer-welcome');
  });

  step('messages go both ways and arrive without a reload', async () => {
    // The agent writes; Enter sends.
    await fill(tje0, 'page', 'message-input', 'Hei Kari! Pakken din ble sendt i dag.');
    await tje0.focus('[data-testid="message-input"]');
    await tje0.keyboard.press('Enter');
    await waitForText(customer, 'widget', 'chat-message', 'Hei Kari! Pakken din ble sendt i dag.', '[data-type="ToCustomer"]');
    // The customer answers with the Send button.
    await fill(customer, 'widget', 'chat-message-input', 'Takk! Når kommer den?');
    await click(customer, 'widget', 'chat-send');
    await waitForText(tje0, 'page', 'message', 'Takk! Når kommer den?', '[data-type="ToUser"]');
    // The customer's own line is the stored message (it has its id), shown once.
    await until("the customer's message to be confirmed", async () => {
      const own = (await widgetMessages(customer)).filter((m) => m.text.endsWith('Takk! Når kommer den?'));
      return own.length === 1 && own[0].id;
    });
    assert.ok(await sameDocument(), 'the page was not reloaded');
    for (const time of await read(customer, 'widget', '[data-testid="chat-message"] time')) {
      assert.match(time.text, /^\d\d:\d\d$/, 'times as Norwegian writes them');
    }
    await shot(customer, 'customer-conversation');
    await shot(tje0, 'tje0-conversation');
  });

  step('tje0 offers the chat to ana0, who declines it: it stays his, and he is told', async () => {
    await fill(tje0, 'page', 'transfer-to', ANA0.login);
    await click(tje0, 'page', 'transfer');
    await waitForText(tje0, 'page', 'status', `offered to ${ANA0.name}`);
    await waitForText(tje0, 'page', 'conversation-state', `offered to ${ANA0.name}`);
    await sessionRow(tje0, chat, { mine: 'true' });
    await shot(tje0, 'tje0-offered');
    await signIn(ana0, service.base, ANA0);
    await sessionRow(ana0, chat, { offered: 'true' });
    await shot(ana0, 'ana0-offer');
    await ana0.locator(`${row(chat)} [data-testid="reject"]`).click();
    await waitForText(ana0, 'page', 'status', `You declined session ${chat}.`);
    await sessionRow(ana0, chat, { offered: 'false' });
    await waitForText(tje0, 'page', 'status', `${ANA0.name} did not take session ${chat}: it stays yours.`);
    await until("the offer to leave tje0's conversation", async () => {
      const [state] = await read(tje0, 'page', '[data-testid="conversation-state"]');
      return state && !state.text.includes('offered');
    });
    await sessionRow(tje0, chat, { mine: 'true' });
    await shot(tje0, 'tje0-declined');
  });

  step('tje0 offers it again and ana0 accepts: the chat is hers, and tje0 is told', async () => {
    await fill(tje0, 'page', 'transfer-to', ANA0.login);
    await click(tje0, 'page', 'transfer');
    await waitForText(tje0, 'page', 'status', `offered to ${ANA0.name}`);
    await sessionRow(ana0, chat, { offered: 'true' });
    await ana0.locator(`${row(chat)} [data-testid="accept"]`).click();
    await waitForText(ana0, 'page', 'status', `Session ${chat} is yours now.`);
    await sessionRow(ana0, chat, { mine: 'true', offered: 'false' });
    await until("the conversation so far on ana0's console", async () =>
      (await consoleMessages(ana0)).some((m) => m.text.includes('Takk! Når kommer den?')),
    );
    await sessionRow(tje0, chat, { mine: 'false' });
    await waitForText(tje0, 'page', 'status', `${ANA0.name} took over session ${chat}.`);
    await waitForText(tje0, 'page', 'conversation-state', 'not your chat');
    await shot(ana0, 'ana0-accepted');
    await shot(tje0, 'tje0-after-transfer');
  });

  step('ana0 and the customer exchange messages; the customer sees the new agent', async () => {
    await fill(ana0, 'page', 'message-input', 'Hei, dette er Ana. Jeg tar over saken din.');
    await click(ana0, 'page', 'send');
    await waitForText(customer, 'widget', 'chat-message', 'Hei, dette er Ana. Jeg tar over saken din.', '[data-type="ToCustomer"]');
    const ana = (await widgetMessages(customer)).find((m) => m.text.includes('Jeg tar over saken din'));
    assert.ok(ana.text.startsWith(ANA0.name), `the author is shown: ${ana.text}`);
    await waitForText(customer, 'widget', 'chat-agent-name', ANA0.name);
    await fill(customer, 'widget', 'chat-message-input', 'Supert, takk Ana.');
    await click(customer, 'widget', 'chat-send');
    await waitForText(ana0, 'page', 'message', 'Supert, takk Ana.', '[data-type="ToUser"]');
    assert.ok(await sameDocument(), 'the page was not reloaded');
    await shot(customer, 'customer-with-ana0');
    await shot(ana0, 'ana0-conversation');
  });

  step('a reload of the customer\'s page continues the chat: the same messages, and it can still write and read', async () => {
    await until("every message to be confirmed before the reload", async () =>
      (await widgetMessages(customer)).every((m) => m.id),
    );
    beforeReload = await widgetMessages(customer);
    await customer.reload();
    assert.equal(await sameDocument(), false, 'the page was reloaded');
    await until('the chat to open again with every message', async () => {
      const [panel] = await read(customer, 'widget', '[data-testid="chat-panel"]');
      const now = await widgetMessages(customer);
      return panel?.shown && now.length === beforeReload.length;
    });
    assert.deepEqual(
      (await widgetMessages(customer)).map(({ id, type, special }) => ({ id, type, special })),
      beforeReload.map(({ id, type, special }) => ({ id, type, special })),
    );
    await waitForText(customer, 'widget', 'chat-agent-name', ANA0.name);
    await shot(customer, 'customer-after-reload');
    await fill(customer, 'widget', 'chat-message-input', 'Jeg lastet siden på nytt. Er du der?');
    await click(customer, 'widget', 'chat-send');
    await waitForText(ana0, 'page', 'message', 'Jeg lastet siden på nytt. Er du der?', '[data-type="ToUser"]');
    await fill(ana0, 'page', 'message-input', 'Ja, jeg er her. Pakken kommer i morgen.');
    await click(ana0, 'page', 'send');
    await waitForText(customer, 'widget', 'chat-message', 'Ja, jeg er her. Pakken kommer i morgen.', '[data-type="ToCustomer"]');
    await shot(customer, 'customer-after-reload-writing');
  });

  step('ana0 ends the chat; the customer sees the closing notice and may start a new chat', async () => {
    await click(ana0, 'page', 'end');
    await waitForText(ana0, 'page', 'status', `Session ${chat} is ended.`);
    await waitForText(ana0, 'page', 'conversation-state', 'this chat is over');
    await waitForText(customer, 'widget', 'chat-message', 'Medarbeideren avsluttet chatten.', '[data-special-type="ClosedByUser"]');
    await waitForText(customer, 'widget', 'chat-status', 'Chatten er avsluttet.');
    await waitForText(customer, 'widget', 'chat-new', 'Start en ny chat');
    const [input] = await read(customer, 'widget', '[data-testid="chat-message-input"]');
    assert.ok(!input.shown, 'nothing more can be written to an ended chat');
    const kept = await customer.evaluate((key) => sessionStorage.getItem(key), `chat-pickup:${service.base}:${SUPPORT}`);
    assert.equal(kept, null, 'the ended chat is forgotten by the tab');
    await until('the ended chat to leave the lists', async () => {
      const rows = [...(await read(ana0, 'page', row(chat))), ...(await read(tje0, 'page', row(chat)))];
      return rows.length === 0;
    });
    await shot(customer, 'customer-ended-by-agent');
    await shot(ana0, 'ana0-ended');
  });

  step('the customer starts a new chat, ana0 picks it up, and the customer ends it from the widget', async () => {
    await click(customer, 'widget', 'chat-new');
    const [name] = await read(customer, 'widget', '[data-testid="chat-name"]');
    assert.equal(name.value, 'Kari Testesen', 'the name is kept for the new chat');
    await fill(customer, 'widget', 'chat-message-input', 'Ett spørsmål til: kan jeg bytte størrelse?');
    await click(customer, 'widget', 'chat-start');
    await waitForText(customer, 'widget', 'chat-queue-position', /^\d+$/);
    const second = await customer.evaluate((key) => JSON.parse(sessionStorage.getItem(key)).id, `chat-pickup:${service.base}:${SUPPORT}`);
    assert.ok(second > chat);
    await sessionRow(ana0, second, { status: 'InQueue' });
    await ana0.locator(`${row(second)} [data-testid="session-pick-up"]`).click();
    await waitForText(ana0, 'page', 'status', `You picked up session ${second}`);
    await waitForText(customer, 'widget', 'chat-agent-name', ANA0.name);
    await waitForText(customer, 'widget', 'chat-message', 'Velkommen! Hva kan vi hjelpe med?', '[data-special-type="Welcome"]');
    await click(customer, 'widget', 'chat-end');
    await waitForText(customer, 'widget', 'chat-message', 'Du avsluttet chatten.', '[data-special-type="ClosedByCustomer"]');
    await waitForText(customer, 'widget', 'chat-new', 'Start en ny chat');
    await shot(customer, 'customer-ended-by-customer');
    // The agent's open conversation tells it, and the list lets it go.
    await waitForText(ana0, 'page', 'message', 'The customer left the chat.', '[data-special-type="ClosedByCustomer"]');
    await waitForText(ana0, 'page', 'conversation-state', 'this chat is over');
    const [actions] = await read(ana0, 'page', '#holder-actions');
    assert.ok(!actions.shown, 'an ended chat cannot be written to or transferred');
    await until('the ended chat to leave the list', async () => (await read(ana0, 'page', row(second))).length === 0);
    await shot(ana0, 'ana0-ended-by-customer');
  });

  step('no page had an uncaught error or a Content Security Policy violation', async () => {
    for (const [who, page] of [['customer', customer], ['tje0', tje0], ['ana0', ana0]]) {
      assert.deepEqual(page.problems, [], `${who}'s page`);
    }
  });
});
