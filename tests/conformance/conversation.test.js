// A whole conversation held through SuperOffice's official WebAPI client (@superoffice/webapi)
// against our local server: a session created for a topic, picked up, written to, read back,
// transcribed, rated and ended; and a customer's session made from the default entity.
//
// Set up as pickup.test.js is (a server of its own on a fresh demo database, read with the
// sqlite3 shell), so that the sessions made here leave that file's queue alone. Every call
// goes through the client, and every check is on what the client made of our answer: the
// enums it read by name, the dates it parsed (the npm script sets TZ to New York), the
// properties its converters looked for.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {
  WebApi,
  ChatMessageSpecialType,
  ChatMessageType,
  ChatSessionStatus,
} = require('@superoffice/webapi');

const BIN =
  process.env.CHAT_PICKUP_BIN ||
  path.resolve(__dirname, '../../target/debug/chat-pickup');

/** The demo's topics (src/admin/demo.rs), in the order they are added. */
const SALES = 1;
const SUPPORT = 2;
const BILLING = 3;
const SALES_WELCOME = 'Hello, this is Sales - what can we do for you?';
const SUPPORT_WELCOME = 'Velkommen! Hva kan vi hjelpe med?';

/** ChatMessageType and ChatMessageSpecialType as the database stores them. */
const TYPE = { ToCustomer: 1, ToUser: 2, Special: 3 };
const SPECIAL = { None: 0, Welcome: 1, Url: 2, ClosedByUser: 10 };
/** A DateTime SuperOffice never set, as the client parses it. */
const NEVER = '0001-01-01T00:00:00.000Z';

let server;
let baseUrl;
let db;

function admin(...args) {
  return execFileSync(BIN, ['--db', db, 'admin', ...args], { encoding: 'utf8' }).trim();
}

function sql(query) {
  const out = execFileSync('sqlite3', ['-json', db, query], { encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : [];
}

/** A stored UTC date-time ("2026-11-25 17:08:44.887445") as the instant it names. */
function stored(text) {
  return text === null ? null : new Date(text.replace(' ', 'T') + 'Z');
}

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

/** `date` as a transcript shows it in `timeZone`: "2026-12-06 22:57:19". */
function shownIn(date, timeZone) {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).format(date);
}

/** The zone this process reads dates in (TZ), whose offset the client sends. */
const HERE = Intl.DateTimeFormat().resolvedOptions().timeZone;

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => socket.end(() => resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server did not listen on ${port}`);
}

/**
 * Paths of every property the client's converters left undefined - a PascalCase key they
 * looked for and did not find - in `value` and the carriers nested in it.
 */
function undefinedProperties(value, path = 'session') {
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    inner === undefined ? [`${path}.${key}`] : undefinedProperties(inner, `${path}.${key}`)
  );
}

/** A client as an agent front end makes one: options, then one way of signing in. */
function chatAgent(options, signIn) {
  const api = new WebApi({ baseUrl, ...options });
  signIn(api);
  return api.getChatAgent();
}

const password = (user, secret) => (api) => api.authenticateWithPassword(user, secret);

/** The client's error for a refused call: its status and our problem's detail. */
function refused(status, detail) {
  return (error) => {
    assert.equal(error.isAxiosError, true, String(error));
    assert.equal(error.response.status, status, JSON.stringify(error.response.data));
    assert.equal(error.response.data.status, status);
    assert.match(error.response.data.detail, detail);
    return true;
  };
}

/** `message` as the database holds it, for comparing with what the client read. */
function storedMessage(message) {
  const [row] = sql(`SELECT * FROM chat_message WHERE id = ${message.chatMessageId}`);
  assert.ok(row, `message ${message.chatMessageId} is stored`);
  assert.equal(row.session_id, message.chatSessionId);
  assert.equal(row.type, TYPE[message.type], `Type ${message.type}`);
  assert.equal(row.special_type, SPECIAL[message.specialType], `SpecialType ${message.specialType}`);
  assert.equal(row.message, message.message);
  assert.equal(row.author, message.author);
  assert.equal(row.special_param, message.specialParam);
  assert.equal(row.read_by_customer, message.readByCustomer);
  assert.equal(message.whenPosted.getTime(), stored(row.when_posted).getTime(), 'WhenPosted');
  return row;
}

const waitingIn = (topic) =>
  sql(`SELECT count(*) AS n FROM chat_session WHERE topic_id = ${topic} AND status = 4`)[0].n;

before(async () => {
  assert.ok(fs.existsSync(BIN), `no server binary at ${BIN}: run cargo build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pickup-conversation-'));
  db = path.join(dir, 'demo.db');
  const port = await freePort();
  server = spawn(BIN, ['--db', db, 'serve', '--demo', '--addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  await waitForPort(port);
  baseUrl = `http://127.0.0.1:${port}/`;
});

after(() => server?.kill());

test('a whole conversation through the client: created for a topic, picked up, written to, read, transcribed, rated and ended', async (t) => {
  const agent = chatAgent({}, password('tje0', 'Tje0'));
  let id;
  let key;
  let welcome;
  let written;
  let ended;

  await t.test('CreateChatSessionForTopic: a new session waiting in the queue, its key shown once and stored as its SHA-256', async () => {
    const waiting = waitingIn(SALES);
    const session = await agent.createChatSessionForTopicAsync(SALES);
    assert.deepEqual(undefinedProperties(session), [], 'every property the client reads is there');
    id = session.chatSessionId;
    key = session.sessionKey;
    const [row] = sql(`SELECT * FROM chat_session WHERE id = ${id}`);
    assert.ok(row, 'stored');
    assert.equal(session.topicId, SALES);
    assert.equal(row.topic_id, SALES);
    assert.equal(session.status, ChatSessionStatus.InQueue);
    assert.equal(row.status, 4, 'InQueue in the database');
    assert.equal(session.user, null, 'no agent yet');
    assert.equal(row.user_id, null);
    assert.equal(session.customerName, '', 'a customer not yet known');
    assert.equal(session.firstMessage, '');
    assert.equal(session.lastMessage, '');
    assert.equal(session.initialQueuePos, waiting + 1, 'behind those waiting in the topic');
    assert.equal(row.initial_queue_pos, waiting + 1);
    assert.equal(session.rank, 0);
    assert.match(key, /^[0-9a-f]{32}$/, 'the SessionKey: 32 hex characters');
    assert.equal(row.session_key, sha256(key), 'stored as its SHA-256, in hex');
    assert.equal(session.whenRequested.getTime(), stored(row.when_requested).getTime());
    assert.ok(Math.abs(session.whenRequested.getTime() - Date.now()) < 60_000, 'requested now');
    assert.equal(session.whenStarted.toISOString(), NEVER, 'not started');
    assert.equal(session.whenEnded.toISOString(), NEVER);
    assert.equal(sql(`SELECT count(*) AS n FROM chat_message WHERE session_id = ${id}`)[0].n, 0,
      'no messages: the customer has written nothing');

    const billing = waitingIn(BILLING);
    const other = await agent.createChatSessionForTopicAsync({ chatTopicId: BILLING });
    assert.equal(other.topicId, BILLING, 'the request form of the call');
    assert.equal(other.initialQueuePos, billing + 1, "a place in that topic's queue");
    assert.match(other.sessionKey, /^[0-9a-f]{32}$/);
    assert.notEqual(other.sessionKey, key, 'each session its own key');
    assert.ok(admin('queue').split('\n').some((line) => line.trim().startsWith(`${id} `)),
      'in the queue as the admin command lists it');
  });

  await t.test('PickUpChatSession: the new session, its welcome posted, its key not shown again', async () => {
    const session = await agent.pickUpChatSessionAsync(id);
    assert.deepEqual(undefinedProperties(session), [], 'every property the client reads is there');
    const [row] = sql(`SELECT * FROM chat_session WHERE id = ${id}`);
    assert.equal(session.chatSessionId, id);
    assert.equal(session.status, ChatSessionStatus.UserLast, 'the welcome was the last word');
    assert.equal(session.user.name, 'tje0');
    assert.equal(session.lastMessage, SALES_WELCOME);
    assert.equal(session.sessionKey, '', 'the key is shown only when the session is created');
    assert.equal(row.session_key, sha256(key), 'and is kept');
    assert.equal(session.whenStarted.getTime(), stored(row.when_started).getTime());
    assert.equal(session.rank, row.rank);

    const listed = await agent.chatSessionsForUserAsync();
    assert.ok(listed.some((each) => each.chatSessionId === id), 'listed as tje0\'s');
    assert.deepEqual(listed.filter((each) => each.sessionKey !== ''), [],
      'no key in the list, not even of the sessions waiting');
    assert.equal((await agent.getChatSessionEntityAsync(id)).sessionKey, '', 'nor read by id');
  });

  await t.test('AddChatMessage: the message as stored, the session waiting for the customer', async () => {
    const text = `Hi! <b>Bold</b> & "quoted" 'text' - æøå`;
    const message = await agent.addChatMessageAsync(id, { message: text, type: ChatMessageType.ToCustomer });
    assert.deepEqual(undefinedProperties(message, 'message'), [], 'every property the client reads is there');
    assert.equal(message.chatSessionId, id);
    assert.equal(message.type, ChatMessageType.ToCustomer);
    assert.equal(message.message, text, 'as written');
    assert.equal(message.author, 'Thomas Jensen', "the agent's full name");
    assert.equal(message.readByCustomer, 0);
    assert.equal(message.specialType, ChatMessageSpecialType.None);
    assert.equal(message.specialParam, '');
    assert.ok(Math.abs(message.whenPosted.getTime() - Date.now()) < 60_000, 'posted now');
    assert.equal(storedMessage(message).created_by, 1, 'by tje0');

    const session = await agent.getChatSessionEntityAsync(id);
    assert.equal(session.lastMessage, text);
    assert.equal(session.firstMessage, SALES_WELCOME, 'the first word was the welcome');
    assert.equal(session.status, ChatSessionStatus.UserLast);
    assert.equal(session.whenIdle.getTime(), message.whenPosted.getTime(), 'idle since');

    const plain = await agent.addChatMessageAsync({ chatSessionId: id, message: { message: 'Anything else?' } });
    assert.equal(plain.type, ChatMessageType.ToCustomer, 'the default Type');
    assert.ok(plain.chatMessageId > message.chatMessageId);
    const link = await agent.addChatMessageAsync(id, {
      message: 'Our terms',
      type: ChatMessageType.Special,
      specialType: ChatMessageSpecialType.Url,
      specialParam: 'https://example.com/terms?a=1&b=2',
    });
    assert.equal(link.type, ChatMessageType.Special);
    assert.equal(link.specialType, ChatMessageSpecialType.Url);
    assert.equal(link.specialParam, 'https://example.com/terms?a=1&b=2');
    storedMessage(link);
    written = [message, plain, link];
  });

  await t.test('GetChatMessages: those after a message id, in id order, the welcome first', async () => {
    const all = await agent.getChatMessagesAsync(id, 0);
    const rows = sql(`SELECT id FROM chat_message WHERE session_id = ${id} ORDER BY id`);
    assert.deepEqual(all.map((message) => message.chatMessageId), rows.map((row) => row.id));
    all.forEach((message) => {
      assert.deepEqual(undefinedProperties(message, `message ${message.chatMessageId}`), []);
      storedMessage(message);
    });
    [welcome] = all;
    assert.equal(welcome.specialType, ChatMessageSpecialType.Welcome);
    assert.equal(welcome.type, ChatMessageType.ToCustomer);
    assert.equal(welcome.message, SALES_WELCOME);
    assert.equal(welcome.author, 'Thomas Jensen');
    const started = (await agent.getChatSessionEntityAsync(id)).whenStarted;
    assert.equal(welcome.whenPosted.getTime(), started.getTime(), 'posted as the session started');
    assert.deepEqual(all.slice(1), written, 'then what tje0 wrote, as AddChatMessage answered it');

    const later = await agent.getChatMessagesAsync(id, welcome.chatMessageId);
    assert.deepEqual(later, written, 'after the welcome');
    assert.deepEqual(await agent.getChatMessagesAsync(id, written[1].chatMessageId), [written[2]]);
    assert.deepEqual(await agent.getChatMessagesAsync(id, written[2].chatMessageId), [], 'nothing after the last');
    assert.deepEqual(await agent.getChatMessagesAsync({ chatSessionId: id }), all, 'no After: all of them');
  });

  await t.test("GetChatTranscript: plain lines and HTML with the text escaped, in the caller's zone", async () => {
    const messages = [welcome, ...written];
    const line = (message, zone) => `[${shownIn(message.whenPosted, zone)}] ${message.author}: ${message.message}`;
    const plain = await agent.getChatTranscriptAsync(id, false);
    assert.equal(typeof plain, 'string');
    assert.equal(plain, messages.map((message) => line(message, HERE)).join('\n'),
      `New York time, from the offset the client sends: ${JSON.stringify(plain)}`);

    const html = await agent.getChatTranscriptAsync({ chatSessionId: id, html: true });
    assert.equal(typeof html, 'string');
    assert.ok(html.includes('Hi! &lt;b&gt;Bold&lt;/b&gt; &amp; '), html);
    assert.ok(!html.includes('<b>Bold</b>'), 'no markup from a message');
    // The text the HTML shows: tags dropped (before entities are decoded, so that a message's
    // own angle brackets survive), then entities decoded.
    const shown = html
      .replace(/<br\s*\/?>/g, '\n')
      .replace(/<\/(p|li|div)>/g, '\n')
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
    assert.deepEqual(
      shown.split('\n').map((text) => text.trim()).filter(Boolean),
      messages.map((message) => `${shownIn(message.whenPosted, HERE)} ${message.author}: ${message.message}`),
      'each message: its time, its author, its text'
    );

    const oslo = chatAgent({ timezone: 'NO', timezoneInclude: true }, password('tje0', 'Tje0'));
    assert.equal(
      await oslo.getChatTranscriptAsync(id, false),
      messages.map((message) => line(message, 'Europe/Oslo')).join('\n'),
      'Oslo time for a caller who asks for it'
    );
  });

  await t.test('SaveChatSessionEntity of the session: rating, alert level and the customer change; the rest of the entity is ignored', async () => {
    const entity = await agent.getChatSessionEntityAsync(id);
    const before = { ...entity };
    Object.assign(entity, {
      rating: 4,
      alertLevel: 2,
      customerName: 'Ola Nordmann',
      customerEmail: 'ola@nordmann.example',
      customerPhone: '+47 22 00 00 02',
      customerCompanyName: 'Nordmann AS',
      // Not the caller's to change here:
      topicId: BILLING,
      status: ChatSessionStatus.InQueue,
      firstMessage: 'rewritten',
      lastMessage: 'rewritten',
      rank: 9,
      initialQueuePos: 9,
      customerConsented: true,
      sessionKey: 'f'.repeat(32),
      whenStarted: new Date('2020-01-01T00:00:00Z'),
      chatbotIsActive: true,
    });
    const saved = await agent.saveChatSessionEntityAsync(entity);
    assert.deepEqual(undefinedProperties(saved), [], 'every property the client reads is there');
    assert.equal(saved.chatSessionId, id);
    assert.equal(saved.rating, 4);
    assert.equal(saved.alertLevel, 2);
    assert.equal(saved.customerName, 'Ola Nordmann');
    assert.equal(saved.customerEmail, 'ola@nordmann.example');
    assert.equal(saved.customerPhone, '+47 22 00 00 02');
    assert.equal(saved.customerCompanyName, 'Nordmann AS');
    for (const name of ['topicId', 'status', 'firstMessage', 'lastMessage', 'rank', 'initialQueuePos',
      'customerConsented', 'sessionKey', 'chatbotIsActive']) {
      assert.deepEqual(saved[name], before[name], `${name} is not changed by a save`);
    }
    assert.equal(saved.whenStarted.getTime(), before.whenStarted.getTime());
    const [row] = sql(`SELECT * FROM chat_session WHERE id = ${id}`);
    assert.deepEqual(
      [row.rating, row.alert_level, row.name, row.email, row.phone, row.company_name],
      [4, 2, 'Ola Nordmann', 'ola@nordmann.example', '+47 22 00 00 02', 'Nordmann AS']
    );
    assert.deepEqual([row.topic_id, row.status, row.consented, row.session_key], [SALES, 6, 0, sha256(key)]);
    assert.deepEqual(await agent.getChatMessagesAsync(id, written[2].chatMessageId), [], 'no message posted');
  });

  await t.test('ending it: saved as Closed, WhenEnded set and a ClosedByUser notice posted; twice changes nothing', async () => {
    const last = written[2].chatMessageId;
    const entity = await agent.getChatSessionEntityAsync(id);
    entity.status = ChatSessionStatus.Closed;
    ended = await agent.saveChatSessionEntityAsync(entity);
    assert.deepEqual(undefinedProperties(ended), [], 'every property the client reads is there');
    const [row] = sql(`SELECT * FROM chat_session WHERE id = ${id}`);
    assert.equal(ended.status, ChatSessionStatus.Closed);
    assert.equal(row.status, 9, 'Closed in the database');
    assert.notEqual(ended.whenEnded.toISOString(), NEVER, 'WhenEnded is set');
    assert.equal(ended.whenEnded.getTime(), stored(row.when_ended).getTime());
    assert.ok(Math.abs(ended.whenEnded.getTime() - Date.now()) < 60_000, 'ended now');
    assert.equal(ended.user.name, 'tje0', 'still the agent who held it');
    assert.equal(ended.rating, 4, 'the rating kept');

    const notices = await agent.getChatMessagesAsync(id, last);
    assert.equal(notices.length, 1, JSON.stringify(notices));
    const [closed] = notices;
    assert.deepEqual(undefinedProperties(closed, 'message'), []);
    assert.equal(closed.type, ChatMessageType.Special);
    assert.equal(closed.specialType, ChatMessageSpecialType.ClosedByUser);
    assert.equal(closed.author, 'Thomas Jensen');
    assert.equal(closed.whenPosted.getTime(), ended.whenEnded.getTime(), 'posted as it ended');
    storedMessage(closed);

    const again = await agent.saveChatSessionEntityAsync(ended);
    assert.equal(again.status, ChatSessionStatus.Closed);
    assert.equal(again.whenEnded.getTime(), ended.whenEnded.getTime(), 'WhenEnded not moved');
    const fresh = await agent.getChatSessionEntityAsync(id);
    fresh.status = ChatSessionStatus.Closed;
    await agent.saveChatSessionEntityAsync(fresh);
    assert.deepEqual(await agent.getChatMessagesAsync(id, last), notices, 'no second notice');
    assert.deepEqual(sql(`SELECT count(*) AS n FROM chat_message WHERE session_id = ${id} AND special_type = 10`), [{ n: 1 }]);
    assert.equal(sql(`SELECT when_ended FROM chat_session WHERE id = ${id}`)[0].when_ended, row.when_ended);

    const transcript = (await agent.getChatTranscriptAsync(id, false)).split('\n');
    assert.equal(transcript.length, 5, 'the welcome, three messages and the end');
    assert.ok(transcript[4].startsWith(`[${shownIn(ended.whenEnded, HERE)}] Thomas Jensen: `), transcript[4]);
  });

  await t.test('an ended session takes no more messages and is not picked up, but takes a rating', async () => {
    await assert.rejects(
      agent.addChatMessageAsync(id, { message: 'Still there?', type: ChatMessageType.ToCustomer }),
      refused(409, /over/)
    );
    assert.equal(await agent.pickUpChatSessionAsync(id), null);
    const entity = await agent.getChatSessionEntityAsync(id);
    entity.rating = 5;
    const rated = await agent.saveChatSessionEntityAsync(entity);
    assert.equal(rated.rating, 5, 'a rating comes after the chat');
    assert.equal(rated.status, ChatSessionStatus.Closed);
    assert.equal(rated.whenEnded.getTime(), ended.whenEnded.getTime());
    assert.equal(sql(`SELECT count(*) AS n FROM chat_message WHERE session_id = ${id}`)[0].n, 5, 'nothing posted');
  });
});

test("a customer's session from the default entity: saved with id 0 in Support, picked up and ended by ana0", async () => {
  // ana0 reads times in her own zone, Oslo's, whatever the browser's offset: her front end
  // asks for offsets, or this New York process would read Oslo's wall-clock times as its own.
  const ana = chatAgent({ timezoneInclude: true }, password('ana0', 'Ana0'));
  const sessions = sql('SELECT count(*) AS n FROM chat_session')[0].n;
  const entity = await ana.createDefaultChatSessionEntityAsync();
  assert.deepEqual(undefinedProperties(entity), [], 'every property the client reads is there');
  assert.equal(entity.chatSessionId, 0);
  assert.equal(entity.status, ChatSessionStatus.InQueue);
  assert.equal(entity.sessionKey, '');
  assert.equal(entity.user, null);
  assert.equal(entity.whenRequested.toISOString(), NEVER);
  assert.equal(sql('SELECT count(*) AS n FROM chat_session')[0].n, sessions, 'nothing saved yet');

  const waiting = waitingIn(SUPPORT);
  const first = 'Hei! Skriveren min virker ikke.';
  Object.assign(entity, {
    topicId: SUPPORT,
    customerName: 'Åse Ødegård',
    customerEmail: 'ase@example.no',
    firstMessage: first,
    status: ChatSessionStatus.Closed,
    sessionKey: 'f'.repeat(32),
  });
  const session = await ana.saveChatSessionEntityAsync(entity);
  assert.deepEqual(undefinedProperties(session), [], 'every property the client reads is there');
  const id = session.chatSessionId;
  assert.ok(id > 0, 'a new session');
  const [row] = sql(`SELECT * FROM chat_session WHERE id = ${id}`);
  assert.equal(session.topicId, SUPPORT);
  assert.equal(session.status, ChatSessionStatus.InQueue, 'waiting, whatever Status was sent');
  assert.equal(row.status, 4);
  assert.equal(session.customerName, 'Åse Ødegård');
  assert.equal(session.customerEmail, 'ase@example.no');
  assert.deepEqual([row.name, row.email], ['Åse Ødegård', 'ase@example.no']);
  assert.equal(session.firstMessage, first);
  assert.equal(session.lastMessage, first);
  assert.equal(session.initialQueuePos, waiting + 1);
  assert.equal(session.user, null);
  assert.match(session.sessionKey, /^[0-9a-f]{32}$/);
  assert.notEqual(session.sessionKey, 'f'.repeat(32), 'a fresh key, not the one sent');
  assert.equal(row.session_key, sha256(session.sessionKey));
  assert.equal(session.whenRequested.getTime(), stored(row.when_requested).getTime());

  const [asked] = await ana.getChatMessagesAsync(id, 0);
  assert.deepEqual(undefinedProperties(asked, 'message'), []);
  assert.equal(asked.type, ChatMessageType.ToUser, "the customer's, to the agent");
  assert.equal(asked.specialType, ChatMessageSpecialType.None);
  assert.equal(asked.author, 'Åse Ødegård');
  assert.equal(asked.message, first);
  assert.equal(asked.whenPosted.getTime(), session.whenRequested.getTime());
  assert.equal(storedMessage(asked).created_by, -1, 'written by the customer');

  const picked = await ana.pickUpChatSessionAsync(id);
  assert.equal(picked.user.name, 'ana0');
  assert.equal(picked.sessionKey, '');
  assert.equal(picked.firstMessage, first);
  assert.equal(picked.lastMessage, SUPPORT_WELCOME, "the topic's welcome, in its language");
  const [greeting] = await ana.getChatMessagesAsync(id, asked.chatMessageId);
  assert.equal(greeting.specialType, ChatMessageSpecialType.Welcome);
  assert.equal(greeting.author, 'Ana Nilsen');
  assert.equal(
    await ana.getChatTranscriptAsync(id, false),
    [asked, greeting].map((message) =>
      `[${shownIn(message.whenPosted, 'Europe/Oslo')}] ${message.author}: ${message.message}`).join('\n'),
    "the customer first, then the welcome; in ana0's zone"
  );

  picked.status = ChatSessionStatus.Closed;
  const ended = await ana.saveChatSessionEntityAsync(picked);
  assert.equal(ended.status, ChatSessionStatus.Closed);
  assert.equal(sql(`SELECT status FROM chat_session WHERE id = ${id}`)[0].status, 9);
});

test('refusals reach the caller as the client\'s errors, and change nothing', async () => {
  const tje0 = chatAgent({}, password('tje0', 'Tje0'));
  const ana0 = chatAgent({}, password('ana0', 'Ana0'));
  const sessions = () => sql('SELECT count(*) AS n FROM chat_session')[0].n;
  const messages = () => sql('SELECT count(*) AS n FROM chat_message')[0].n;
  const counts = [sessions(), messages()];

  await assert.rejects(ana0.createChatSessionForTopicAsync(SALES), refused(404, /topic 1/),
    'a topic ana0 has no rights in is not found');
  await assert.rejects(tje0.createChatSessionForTopicAsync(99), refused(404, /topic 99/));
  const blank = await tje0.createDefaultChatSessionEntityAsync();
  await assert.rejects(tje0.saveChatSessionEntityAsync(blank), refused(400, /TopicId/),
    'a new session names its topic');

  const { chatSessionId: id } = await tje0.createChatSessionForTopicAsync(SALES);
  assert.equal((await tje0.pickUpChatSessionAsync(id)).chatSessionId, id);
  const before = messages();
  const write = (message) => tje0.addChatMessageAsync(id, message);
  await assert.rejects(write({ message: '  ', type: ChatMessageType.ToCustomer }), refused(400, /empty/));
  await assert.rejects(write({ message: 'Hi', type: ChatMessageType.ToUser }), refused(400, /Type/),
    "an agent does not write as the customer");
  await assert.rejects(write({ message: 'x'.repeat(4097) }), refused(400, /too long/));
  await assert.rejects(
    write({ message: 'Hi', type: ChatMessageType.Special, specialType: ChatMessageSpecialType.ClosedByUser }),
    refused(400, /SpecialType/), 'the service posts its own notices');
  await assert.rejects(ana0.getChatMessagesAsync(id, 0), refused(404, new RegExp(`session ${id}`)),
    'a session in a topic ana0 has no rights in is not found');
  await assert.rejects(ana0.getChatTranscriptAsync(id, false), refused(404, new RegExp(`session ${id}`)));
  const entity = await tje0.getChatSessionEntityAsync(id);
  entity.rating = 11;
  await assert.rejects(tje0.saveChatSessionEntityAsync(entity), refused(400, /Rating/));
  assert.equal(sql(`SELECT rating FROM chat_session WHERE id = ${id}`)[0].rating, 0);
  assert.equal(messages(), before, 'no message stored');

  // A session still waiting takes no messages: tje0 is told it is not theirs to write to; a
  // manager of the topic who may not respond there, what a pickup would tell them.
  const waiting = await tje0.createChatSessionForTopicAsync(SUPPORT);
  await assert.rejects(
    tje0.addChatMessageAsync(waiting.chatSessionId, { message: 'Hello?' }),
    (error) => {
      assert.ok([403, 409].includes(error.response.status), JSON.stringify(error.response.data));
      return true;
    }
  );
  admin('add-associate', '--name', 'man0', '--password', 'Man0-secret');
  admin('add-member', '--user', 'man0', '--topic', 'Support', '--rights', 'listen,manage');
  const manager = chatAgent({}, password('man0', 'Man0-secret'));
  await assert.rejects(
    manager.addChatMessageAsync(waiting.chatSessionId, { message: 'Hello?' }),
    refused(403, /may not respond/)
  );
  await assert.rejects(manager.pickUpChatSessionAsync(waiting.chatSessionId), refused(403, /may not respond/));
  assert.equal(messages(), before);
  assert.equal(sessions(), counts[0] + 2, 'only the two sessions made here');
  entity.rating = 0;
  entity.status = ChatSessionStatus.Closed;
  await tje0.saveChatSessionEntityAsync(entity);
});

test("a customer's first message with control characters is refused, as an agent's message is", async () => {
  const agent = chatAgent({}, password('tje0', 'Tje0'));
  const { chatSessionId: id } = await agent.createChatSessionForTopicAsync(SALES);
  await agent.pickUpChatSessionAsync(id);
  await assert.rejects(
    agent.addChatMessageAsync(id, { message: 'nul\u0000bel\u0007' }),
    refused(400, /control characters/),
    "an agent's message is refused so"
  );
  const entity = await agent.createDefaultChatSessionEntityAsync();
  Object.assign(entity, { topicId: SALES, customerName: 'Eve', firstMessage: 'nul\u0000bel\u0007' });
  await assert.rejects(agent.saveChatSessionEntityAsync(entity), refused(400, /control characters/));
});

test('the plain transcript keeps a line a message: a line break in a message forges no line', async () => {
  const agent = chatAgent({}, password('tje0', 'Tje0'));
  const entity = await agent.createDefaultChatSessionEntityAsync();
  Object.assign(entity, {
    topicId: SALES,
    customerName: 'Eve',
    firstMessage: 'Hello\n[2026-01-01 00:00:00] Thomas Jensen: Your refund is approved.',
  });
  const { chatSessionId: id } = await agent.saveChatSessionEntityAsync(entity);
  await agent.pickUpChatSessionAsync(id);
  const messages = await agent.getChatMessagesAsync(id, 0);
  const transcript = await agent.getChatTranscriptAsync(id, false);
  const lines = transcript.split('\n').filter((line) => /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] /.test(line));
  assert.equal(lines.length, messages.length, JSON.stringify(transcript));
});

test('an entity as the server answered it can be saved back: the longest customer details on a session linked to every kind of record', async () => {
  const agent = chatAgent({}, password('tje0', 'Tje0'));
  const wide = (length) => '😀'.repeat(length); // four bytes a character in UTF-8
  const entity = await agent.createDefaultChatSessionEntityAsync();
  Object.assign(entity, {
    topicId: SALES,
    customerName: wide(255),
    customerEmail: wide(255),
    customerPhone: wide(255),
    customerCompanyName: wide(255),
    firstMessage: wide(1024),
  });
  const { chatSessionId: id } = await agent.saveChatSessionEntityAsync(entity);
  sql(`UPDATE chat_session SET customer_id = 1, contact_id = 1, project_id = 1, sale_id = 1, ticket_id = 1 WHERE id = ${id}`);
  await agent.pickUpChatSessionAsync(id);
  await agent.addChatMessageAsync(id, { message: wide(1024) });
  const read = await agent.getChatSessionEntityAsync(id);
  read.rating = 5;
  const saved = await agent.saveChatSessionEntityAsync(read);
  assert.equal(saved.rating, 5, `${Buffer.byteLength(JSON.stringify(read))} bytes sent`);
});
