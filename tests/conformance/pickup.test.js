// SuperOffice's official WebAPI client (@superoffice/webapi) against our local server.
//
// The server runs on a fresh demo database; every request goes through the client, and every
// check is on what the client made of our response. The database is read with the sqlite3
// command-line shell to compare against. Run from this directory with `npm test`, after
// `cargo build` (or point CHAT_PICKUP_BIN at a binary). The npm script sets TZ so that
// dates printed without a designator are read in a zone other than UTC, as a browser would.
'use strict';

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const {
  WebApi,
  ChatSessionStatus,
  ETableRight,
  UserType,
  SaleStatus,
  TicketBaseStatus,
} = require('@superoffice/webapi');

const BIN =
  process.env.CHAT_PICKUP_BIN ||
  path.resolve(__dirname, '../../target/debug/chat-pickup');

let server;
let baseUrl;
let db;
let ticket;
let token;
let appToken;

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

before(async () => {
  assert.ok(fs.existsSync(BIN), `no server binary at ${BIN}: run cargo build first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-pickup-conformance-'));
  db = path.join(dir, 'demo.db');
  const port = await freePort();
  server = spawn(BIN, ['--db', db, 'serve', '--demo', '--addr', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, RUST_LOG: 'warn' },
  });
  await waitForPort(port);
  baseUrl = `http://127.0.0.1:${port}/`;
  ticket = admin('issue-ticket', '--user', 'tje0');
  token = admin('issue-token', '--user', 'tje0');
  appToken = admin('add-app', 'conformance');
});

after(() => server?.kill());

test('the demo queue, drained through the client with each way of signing in', async (t) => {
  await t.test('Basic: the first session, every property as the client parsed it', async () => {
    const session = await chatAgent({}, password('tje0', 'Tje0')).pickUpFirstChatSessionAsync();
    assert.deepEqual(undefinedProperties(session), [], 'every property the client reads is there');
    const [row] = sql('SELECT * FROM chat_session WHERE id = 1');
    assert.equal(session.chatSessionId, 1);
    assert.equal(session.topicId, row.topic_id);
    assert.equal(session.status, ChatSessionStatus.UserLast);
    assert.equal(row.status, 6, 'UserLast in the database');
    assert.equal(session.customerName, 'Mathias Wilderman');
    assert.equal(session.customerEmail, 'mathias@wildermankessler.example');
    assert.equal(session.firstMessage, 'My order arrived damaged.');
    assert.equal(session.lastMessage, 'Hello, this is Sales - what can we do for you?');
    assert.equal(session.rank, 1);
    assert.equal(session.chatbotIsActive, false);
    assert.equal(session.flags, 0, 'no flags set');
    // Dates: in the caller's zone, taken from SO-Browser-TZ-Offset (which the client always
    // sends) and so printed with that offset. The project's start date lies in New York's
    // summer time and the sale's date in its winter time, so one of them is on another
    // offset than today's. Same instants as in the database.
    assert.equal(session.whenRequested.getTime(), stored(row.when_requested).getTime());
    assert.equal(session.whenStarted.getTime(), stored(row.when_started).getTime());
    assert.equal(session.whenIdle.getTime(), stored(row.idle).getTime());
    assert.equal(session.whenEnded.toISOString(), '0001-01-01T00:00:00.000Z', 'never set');
    assert.equal(session.tableRight.mask, ETableRight.Select | ETableRight.Update | ETableRight.Delete);

    assert.equal(session.user.associateId, 1);
    assert.equal(session.user.name, 'tje0');
    assert.equal(session.user.fullName, 'Thomas Jensen');
    assert.equal(session.user.type, UserType.InternalAssociate);
    assert.equal(session.user.deleted, false);
    assert.ok(session.user.tableRight.mask > 0);
    assert.equal(session.person.personId, 1);
    assert.equal(session.person.firstname, 'Mathias');
    assert.equal(session.person.contactId, 1);
    assert.equal(session.contact.contactId, 1);
    assert.equal(session.contact.name, 'Kuhn Group');
    assert.equal(session.contact.address.postal.city, 'Oslo');
    assert.equal(session.project.projectId, 1);
    assert.equal(session.project.name, 'Web shop launch');
    assert.equal(
      session.project.startDate.getTime(),
      stored(sql('SELECT start_date FROM project WHERE project_id = 1')[0].start_date).getTime()
    );
    assert.equal(
      session.sale.saleDate.getTime(),
      stored(sql('SELECT saledate FROM sale WHERE sale_id = 1')[0].saledate).getTime(),
      'a winter date: whichever season today is, one of the two differs from its offset'
    );
    assert.equal(session.sale.saleId, 1);
    assert.equal(session.sale.status, SaleStatus.Open);
    assert.equal(session.sale.amount, 125000);
    assert.equal(session.ticket.ticketId, 1);
    assert.equal(session.ticket.baseStatus, TicketBaseStatus.Active);
    assert.equal(session.ticket.categoryName, 'US:"Complaints";NO:"Reklamasjoner";GE:"Beschwerden";SW:"Reklamationer";',
      'untranslated without a language');
    assert.equal(session.transferTo, null);
    assert.equal(session.fieldProperties.CustomerName.fieldLength, 255);

    const messages = sql(
      'SELECT type, special_type, author, message FROM chat_message WHERE session_id = 1 AND special_type = 1'
    );
    assert.deepEqual(messages, [
      { type: 1, special_type: 1, author: 'Thomas Jensen', message: session.lastMessage },
    ], 'one welcome message, to the customer');
  });

  await t.test('SOTicket with an app token, Norwegian, Oslo time with offsets', async () => {
    const session = await chatAgent(
      { languageCode: 'no', timezone: 'NO', timezoneInclude: true },
      (api) => {
        api.authenticateWithTicket(ticket);
        api.applicationToken(appToken);
      }
    ).pickUpFirstChatSessionAsync();
    const [row] = sql('SELECT * FROM chat_session WHERE id = 3');
    assert.equal(session.chatSessionId, 3, 'the chatbot session (2) is never handed out');
    assert.equal(session.customerName, 'Kari Nordmann');
    assert.equal(session.lastMessage, 'Velkommen! Hva kan vi hjelpe med?', "the topic's language");
    assert.equal(session.rank, 2);
    assert.equal(session.whenStarted.getTime(), stored(row.when_started).getTime());
    assert.equal(session.whenEnded.toISOString(), '0001-01-01T00:00:00.000Z');
    assert.equal(session.contact.name, 'Nordlys AS');
    assert.equal(session.contact.categoryName, 'Prospekt', 'a resource, translated');
  });

  await t.test('Bearer API token, UTC with offsets: an empty welcome leaves the customer last', async () => {
    const session = await chatAgent({ timezone: 'UTC', timezoneInclude: true }, (api) =>
      api.authenticateWithToken(token)
    ).pickUpFirstChatSessionAsync();
    const [row] = sql('SELECT * FROM chat_session WHERE id = 4');
    assert.equal(session.chatSessionId, 4);
    assert.equal(session.status, ChatSessionStatus.CustomerLast);
    assert.equal(session.lastMessage, 'My invoice looks wrong.');
    assert.equal(session.whenRequested.getTime(), stored(row.when_requested).getTime());
    assert.equal(session.person, null);
    assert.equal(session.rank, 3);
    const welcomes = sql('SELECT count(*) AS n FROM chat_message WHERE session_id = 4 AND special_type = 1');
    assert.equal(welcomes[0].n, 0, 'no welcome message posted');
  });

  await t.test('the RPC route keeps working until the queue is empty, then null', async () => {
    const agent = chatAgent({}, password('tje0', 'Tje0'));
    assert.equal((await agent.pickUpFirstChatSessionAsync()).chatSessionId, 5);
    assert.equal(await agent.pickUpFirstChatSessionAsync(), null);
    const waiting = sql('SELECT id FROM chat_session WHERE status = 4');
    assert.deepEqual(waiting, [{ id: 2 }], "only the chatbot's session is left");
  });
});

test('pickup by id through the client: a waiting session, then null once it is taken; read back by id, reset, picked up again', async () => {
  const [{ id }] = sql(
    "INSERT INTO chat_session (topic_id, name, status, when_requested) " +
      "VALUES (1, 'Ola Nordmann', 4, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000') RETURNING id"
  );
  const agent = chatAgent({}, password('tje0', 'Tje0'));
  const session = await agent.pickUpChatSessionAsync(id);
  assert.deepEqual(undefinedProperties(session), [], 'every property the client reads is there');
  assert.equal(session.chatSessionId, id);
  assert.equal(session.customerName, 'Ola Nordmann');
  assert.equal(session.status, ChatSessionStatus.UserLast);
  assert.equal(session.user.name, 'tje0');
  assert.equal(await agent.pickUpChatSessionAsync(id), null, 'not in the queue any more');
  const read = await agent.getChatSessionEntityAsync(id);
  assert.equal(read.chatSessionId, id, 'read back by id');
  assert.equal(read.user.name, 'tje0');
  assert.equal(await agent.pickUpChatSessionAsync(2), null, "the chatbot's session is not handed out");
  const reset = await agent.resetChatSessionAsync(id);
  assert.equal(reset.chatSessionId, id);
  assert.equal(reset.status, ChatSessionStatus.InQueue, 'back in the queue');
  assert.equal(reset.user, null);
  assert.equal((await agent.pickUpChatSessionAsync(id)).chatSessionId, id, 'and picked up again');
  sql(`UPDATE chat_session SET status = 7 WHERE id = ${id}`);
});

test("the agent's sessions, as the client lists them and in XML, in Norwegian on Oslo time", async () => {
  const options = { languageCode: 'no', timezone: 'NO', timezoneInclude: true };
  const sessions = await chatAgent(options, password('tje0', 'Tje0')).chatSessionsForUserAsync();
  const held = sql('SELECT id FROM chat_session WHERE user_id = 1 AND status IN (5, 6) ORDER BY rank').map((row) => row.id);
  assert.deepEqual(held, [1, 3, 4, 5], 'what the drain above left with tje0');
  assert.deepEqual(
    sessions.map((session) => session.chatSessionId),
    [...held, 2],
    "tje0's own in Rank order, then the queue (the chatbot's session, which tje0 can see)"
  );
  for (const session of sessions) {
    assert.deepEqual(undefinedProperties(session), [], `session ${session.chatSessionId}`);
    const [row] = sql(`SELECT * FROM chat_session WHERE id = ${session.chatSessionId}`);
    assert.equal(session.whenRequested.getTime(), stored(row.when_requested).getTime());
  }
  const [first, kari] = sessions;
  assert.equal(first.status, ChatSessionStatus.UserLast);
  assert.equal(first.user.name, 'tje0');
  assert.equal(first.ticket.categoryName, 'Reklamasjoner', 'a multi-language value, in Norwegian');
  assert.equal(kari.contact.categoryName, 'Prospekt', 'a resource, translated');
  assert.equal(sessions.at(-1).status, ChatSessionStatus.InQueue);

  // The client reads JSON only; the same list asked for in XML over the REST route.
  const response = await fetch(new URL('api/v1/ChatSession/ForCurrentUser', baseUrl), {
    headers: {
      Authorization: 'Basic ' + Buffer.from('tje0:Tje0').toString('base64'),
      Accept: 'application/xml',
      'SO-Language': 'no',
      'SO-TimeZone': 'NO,includeTZOffset',
    },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^application\/xml/);
  assert.equal(response.headers.get('content-language'), 'no');
  const xml = await response.text();
  assert.match(xml, /^<\?xml [^>]*\?><ArrayOfChatSessionEntity xmlns:i="[^"]+"><ChatSessionEntity>/);
  const items = xml.split('<ChatSessionEntity>').slice(1);
  assert.deepEqual(
    items.map((item) => Number(item.match(/<ChatSessionId>(\d+)<\/ChatSessionId>/)[1])),
    sessions.map((session) => session.chatSessionId),
    'the same sessions in the same order'
  );
  items.forEach((item, index) => {
    const requested = item.match(/<WhenRequested>([^<]+)<\/WhenRequested>/)[1];
    assert.match(requested, /\+0[12]:00$/, "Oslo's offset");
    assert.equal(new Date(requested).getTime(), sessions[index].whenRequested.getTime());
  });
  assert.ok(items[0].includes('<CategoryName>Reklamasjoner</CategoryName>'), items[0]);
});

test('a wrong password reaches the caller as the client\'s error, with our problem body', async () => {
  const agent = chatAgent({}, password('tje0', 'wrong'));
  await assert.rejects(agent.pickUpFirstChatSessionAsync(), (error) => {
    assert.equal(error.isAxiosError, true);
    assert.equal(error.response.status, 401);
    assert.equal(error.response.data.status, 401);
    assert.match(error.response.data.detail, /credentials are not valid/);
    return true;
  });
});

test('a tenant prefix in the base URL reaches a tenant that does not exist: 404', async () => {
  const api = new WebApi({ baseUrl: baseUrl + 'Cust12345' });
  api.authenticateWithPassword('tje0', 'Tje0');
  await assert.rejects(api.getChatAgent().pickUpFirstChatSessionAsync(), (error) => {
    assert.equal(error.response.status, 404);
    assert.match(error.response.data.detail, /tenant/);
    return true;
  });
});

test('a transfer through the client: offered, rejected, offered by id and accepted; then the taker at capacity', async () => {
  const [{ id }] = sql(
    "INSERT INTO chat_session (topic_id, name, status, when_requested) " +
      "VALUES (2, 'Kari Nordmann', 4, strftime('%Y-%m-%d %H:%M:%S', 'now') || '.000000') RETURNING id"
  );
  const tje0 = chatAgent({}, password('tje0', 'Tje0'));
  const ana0 = chatAgent({}, password('ana0', 'Ana0'));
  assert.equal((await tje0.pickUpChatSessionAsync(id)).chatSessionId, id);
  const offered = await tje0.transferChatSessionAsync(id, 'ana0');
  assert.deepEqual(undefinedProperties(offered), [], 'every property the client reads is there');
  assert.equal(offered.transferTo.name, 'ana0');
  assert.equal(offered.user.name, 'tje0', "still tje0's until accepted");
  const rejected = await ana0.rejectChatSessionTransferAsync(id);
  assert.equal(rejected.transferTo, null);
  assert.equal(rejected.user.name, 'tje0');
  const [{ associate_id: ana }] = sql("SELECT associate_id FROM associate WHERE name = 'ana0'");
  assert.equal((await tje0.transferChatSessionAsync(id, String(ana))).transferTo.associateId, ana);
  const accepted = await ana0.acceptChatSessionTransferAsync(id);
  assert.equal(accepted.user.name, 'ana0');
  assert.equal(accepted.transferTo, null);
  assert.equal(accepted.rank, 1, "ana0's first session");
  assert.equal((await ana0.acceptChatSessionTransferAsync(id)).user.name, 'ana0', 'nothing happens twice');

  admin('set-capacity', '--user', 'ana0', '--max', '1');
  await assert.rejects(ana0.pickUpFirstChatSessionAsync(), (error) => {
    assert.equal(error.response.status, 409);
    assert.equal(error.response.data.type, 'urn:chat-pickup:problem:at-capacity');
    assert.equal(error.response.data.limit, 1);
    assert.equal(error.response.data.held, 1);
    return true;
  });
  admin('set-capacity', '--user', 'ana0', '--max', 'none');
  sql(`UPDATE chat_session SET status = 7 WHERE id = ${id}`);
});
