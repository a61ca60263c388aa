// The agent's console: sign in, see your chats and the queue, pick up, talk, transfer,
// reset and end - on SuperOffice's own TypeScript client (`@superoffice/webapi`'s
// ChatAgent), which posts to `{base}api/v1/Agents/Chat/<Method>`.
//
// Signing in and out are this service's routes (`{base}api/v1/Auth/SignIn`, `SignOut`):
// the answer sets an HttpOnly `SoTicket` cookie and a readable `XSRF-TOKEN` cookie, which
// axios (inside the client) copies into `X-XSRF-TOKEN` on every same-origin request.
//
// The page's CSP allows no inline script or style: everything here changes the DOM through
// text, attributes, `hidden` and classes only.

import { ChatAgent } from '@superoffice/webapi/ChatAgent.js';
import type { ChatMessage, ChatSessionEntity } from '@superoffice/webapi';

// ---------------------------------------------------------------------------------------
// Where we are

/** The service's base path: the page's own path minus `console` (`/acme/console` ->
 *  `/acme/`, `/console` -> `/`). */
export function baseOf(pathname: string): string {
  const match = /^(.*\/)console\/?$/i.exec(pathname);
  if (match) return match[1];
  return pathname.slice(0, pathname.lastIndexOf('/') + 1) || '/';
}

const BASE = baseOf(location.pathname);
const LIST_EVERY_MS = 3000;
const MESSAGES_EVERY_MS = 1500;
const STORE_KEY = 'chat-pickup.console:' + BASE;

/** The browser's IANA zone, sent as SO-TimeZone so the entity's times are the wall clock
 *  the agent sees; undefined where the browser names none. */
function browserZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

function makeAgent(): ChatAgent {
  // The client appends `api/` to a base URL that does not end in it, then
  // `v1/Agents/Chat/`. Handing it `{base}api/` keeps a tenant named `api` right too.
  return new ChatAgent({
    baseUrl: BASE + 'api/',
    timezone: browserZone() ?? '',
    timezoneInclude: true,
    axiosConfig: {
      // The cookie the sign-in set and the header the service checks. withXSRFToken stays
      // unset, so axios sends the token only to this page's own origin; withCredentials is
      // not needed for same-origin requests.
      xsrfCookieName: xsrfCookieName(),
      xsrfHeaderName: 'X-XSRF-TOKEN',
      timeout: 30000,
    },
  });
}

// ---------------------------------------------------------------------------------------
// The page's parts

function $(id: string): HTMLElement {
  const found = document.getElementById(id);
  if (!found) throw new Error('the page has no #' + id);
  return found;
}

const ui = {
  loading: $('loading'),
  alert: $('alert'),
  status: $('status'),
  who: $('who'),
  signedInName: $('signed-in-name'),
  signOut: $('sign-out') as HTMLButtonElement,
  signIn: $('sign-in'),
  signInForm: $('sign-in-form') as HTMLFormElement,
  username: $('username') as HTMLInputElement,
  password: $('password') as HTMLInputElement,
  workspace: $('workspace'),
  chatsTitle: $('chats-title'),
  pickUpNext: $('pick-up-next') as HTMLButtonElement,
  rows: $('session-rows') as HTMLTableSectionElement,
  empty: $('sessions-empty'),
  conversation: $('conversation'),
  conversationTitle: $('conversation-title'),
  conversationState: $('conversation-state'),
  closeConversation: $('close-conversation') as HTMLButtonElement,
  messages: $('messages'),
  holderActions: $('holder-actions'),
  compose: $('compose') as HTMLFormElement,
  messageInput: $('message-input') as HTMLTextAreaElement,
  transferForm: $('transfer-form') as HTMLFormElement,
  transferTo: $('transfer-to') as HTMLInputElement,
  withdraw: $('withdraw') as HTMLButtonElement,
  reset: $('reset') as HTMLButtonElement,
  end: $('end') as HTMLButtonElement,
};

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const made = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  made.append(...children);
  return made;
}

function setText(target: Element, text: string): void {
  if (target.textContent !== text) target.textContent = text;
}

// ---------------------------------------------------------------------------------------
// Problems and notices

/** The text to show for a failed call: the problem's `detail` (RFC 9457) where the
 *  service sent one, else its title, else what went wrong on the way. */
export function problemText(error: unknown): string {
  const failure = error as { response?: { status?: number; data?: unknown }; message?: string };
  let data = failure?.response?.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      /* not JSON: fall through */
    }
  }
  if (data && typeof data === 'object') {
    const problem = data as { detail?: unknown; title?: unknown };
    if (typeof problem.detail === 'string' && problem.detail) return problem.detail;
    if (typeof problem.title === 'string' && problem.title) return problem.title;
  }
  if (failure?.response?.status) return `The service answered ${failure.response.status}.`;
  if (error instanceof ProblemError) return error.message;
  return 'The service could not be reached' + (failure?.message ? ': ' + failure.message : '.');
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof ProblemError) return error.status;
  return (error as { response?: { status?: number } })?.response?.status;
}

class ProblemError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

function showProblem(error: unknown): void {
  if (statusOf(error) === 401 && me) {
    signedOut('Your sign-in has ended: sign in again. (' + problemText(error) + ')');
    return;
  }
  setText(ui.alert, problemText(error));
}

/** A problem a background read showed: cleared again by the next read that works. */
let pollProblem: string | null = null;

function showPollProblem(error: unknown): void {
  showProblem(error);
  pollProblem = ui.alert.textContent;
}

function pollWorked(): void {
  if (pollProblem !== null && ui.alert.textContent === pollProblem) setText(ui.alert, '');
  pollProblem = null;
}

function clearNotices(): void {
  pollProblem = null;
  setText(ui.alert, '');
  setText(ui.status, '');
}

function notify(text: string): void {
  setText(ui.status, text);
}

// ---------------------------------------------------------------------------------------
// Times, as the entity gives them (in the browser's zone, which the client asked for)

function dateOf(value: unknown): Date | null {
  if (!(value instanceof Date) || isNaN(value.getTime())) return null;
  // A date never set is 0001-01-01.
  return value.getFullYear() < 1900 ? null : value;
}

const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dateAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

function shownTime(value: unknown): string {
  const date = dateOf(value);
  if (!date) return '';
  const today = new Date();
  const sameDay =
    date.getFullYear() === today.getFullYear() &&
    date.getMonth() === today.getMonth() &&
    date.getDate() === today.getDate();
  return (sameDay ? timeOnly : dateAndTime).format(date);
}

function timeElement(value: unknown): HTMLElement | string {
  const date = dateOf(value);
  if (!date) return '';
  return element('time', { datetime: date.toISOString() }, shownTime(date));
}

// ---------------------------------------------------------------------------------------
// Who is signed in

interface Me {
  /** The login name (Associate.Name), as sessions name their agent. */
  login: string;
  /** The full name where the sign-in told it. */
  fullName: string;
}

let me: Me | null = null;
let agent: ChatAgent | null = null;

function sameLogin(a: string | undefined | null, b: string | undefined | null): boolean {
  return !!a && !!b && a.toLowerCase() === b.toLowerCase();
}

function remember(who: Me | null): void {
  try {
    if (who) localStorage.setItem(STORE_KEY, JSON.stringify(who));
    else localStorage.removeItem(STORE_KEY);
  } catch {
    /* storage off: the console asks for a sign-in on each load */
  }
}

function remembered(): Me | null {
  try {
    const stored = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null');
    if (stored && typeof stored.login === 'string' && stored.login) {
      return { login: stored.login, fullName: typeof stored.fullName === 'string' ? stored.fullName : '' };
    }
  } catch {
    /* nothing usable */
  }
  return null;
}

/** The sign-in's answer may describe the associate; read what it holds, in any case. */
function describedBy(body: unknown, typed: string): Me {
  const found: Me = { login: typed, fullName: '' };
  const look = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
      const name = key.toLowerCase();
      if (typeof field === 'string' && field) {
        if (name === 'name' || name === 'username' || name === 'loginname') found.login = field;
        if (name === 'fullname') found.fullName = field;
      } else if (field && typeof field === 'object' && (name === 'user' || name === 'associate')) {
        look(field);
      }
    }
  };
  look(body);
  return found;
}

/** The XSRF cookie of this page's database: a tenant's is `XSRF-TOKEN.{tenant}` (path
 *  `/{tenant}/`), the default database's `XSRF-TOKEN` (path `/`, so a tenant's page sees it
 *  too, and must not send it). */
function xsrfCookieName(): string {
  for (const part of document.cookie.split(';')) {
    const name = part.slice(0, Math.max(part.indexOf('='), 0)).trim();
    if (name.startsWith('XSRF-TOKEN.')) return name;
  }
  return 'XSRF-TOKEN';
}

function cookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    if (part.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(part.slice(at + 1).trim());
      } catch {
        return part.slice(at + 1).trim();
      }
    }
  }
  return null;
}

async function problemOfResponse(response: Response): Promise<ProblemError> {
  let text = `The service answered ${response.status}.`;
  try {
    const body = await response.json();
    if (body && typeof body.detail === 'string' && body.detail) text = body.detail;
    else if (body && typeof body.title === 'string' && body.title) text = body.title;
  } catch {
    /* no problem body */
  }
  return new ProblemError(text, response.status);
}

async function signIn(username: string, password: string): Promise<Me> {
  const response = await fetch(BASE + 'api/v1/Auth/SignIn', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ Username: username, Password: password }),
  });
  if (!response.ok) throw await problemOfResponse(response);
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    /* an empty answer is fine */
  }
  return describedBy(body, username);
}

async function signOutOfService(): Promise<void> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const xsrf = cookie(xsrfCookieName());
  if (xsrf) headers['X-XSRF-TOKEN'] = xsrf;
  const response = await fetch(BASE + 'api/v1/Auth/SignOut', {
    method: 'POST',
    credentials: 'same-origin',
    headers,
  });
  if (!response.ok && response.status !== 401) throw await problemOfResponse(response);
}

function signedIn(who: Me): void {
  me = who;
  agent = makeAgent();
  remember(who);
  setText(ui.signedInName, who.fullName ? `${who.fullName} (${who.login})` : who.login);
  ui.loading.hidden = true;
  ui.signIn.hidden = true;
  ui.who.hidden = false;
  ui.workspace.hidden = false;
  ui.password.value = '';
  startListing();
}

function signedOut(problem?: string): void {
  me = null;
  agent = null;
  remember(null);
  stopListing();
  closeConversation();
  sessions = [];
  renderSessions();
  ui.loading.hidden = true;
  ui.who.hidden = true;
  ui.workspace.hidden = true;
  ui.signIn.hidden = false;
  setText(ui.signedInName, '');
  setText(ui.status, '');
  setText(ui.alert, problem ?? '');
  ui.username.focus();
}

// ---------------------------------------------------------------------------------------
// The list: the agent's own sessions first, then those waiting in the agent's topics

let sessions: ChatSessionEntity[] = [];
let listTimer: number | undefined;
let listing = false;
let listGeneration = 0;

const ENDED = new Set(['Closed', 'Finished', 'Deleted', 'ClosedFromQueue']);

function isEnded(session: ChatSessionEntity | null | undefined): boolean {
  return !!session && ENDED.has(String(session.status));
}

function isMine(session: ChatSessionEntity | null | undefined): boolean {
  return !!session && !!me && String(session.status) !== 'InQueue' && sameLogin(session.user?.name, me.login);
}

function isOfferedToMe(session: ChatSessionEntity | null | undefined): boolean {
  return !!session && !!me && !isEnded(session) && sameLogin(session.transferTo?.name, me.login);
}

function statusText(session: ChatSessionEntity): string {
  const status = String(session.status);
  let text: string;
  switch (status) {
    case 'InQueue':
      text = 'Waiting';
      break;
    case 'CustomerLast':
      text = 'Customer wrote last';
      break;
    case 'UserLast':
      text = 'Agent wrote last';
      break;
    case 'Closed':
    case 'Finished':
    case 'ClosedFromQueue':
      text = 'Ended';
      break;
    default:
      text = status;
  }
  if (session.transferTo && !isEnded(session)) {
    text += isOfferedToMe(session)
      ? ' - offered to you'
      : ` - offered to ${session.transferTo.fullName || session.transferTo.name}`;
  }
  if (session.chatbotIsActive) text += ' (chatbot)';
  return text;
}

function customerOf(session: ChatSessionEntity): string {
  return session.customerName || session.customerAlias || 'Anonymous customer';
}

function agentText(session: ChatSessionEntity): string {
  if (!session.user || String(session.status) === 'InQueue') return '';
  if (isMine(session)) return 'You';
  return session.user.fullName || session.user.name || '';
}

function startListing(): void {
  stopListing();
  listGeneration++;
  void refreshList();
}

function stopListing(): void {
  listGeneration++;
  if (listTimer !== undefined) window.clearTimeout(listTimer);
  listTimer = undefined;
}

/** Reads the list now (and every 3 s after): the agent's sessions, then the waiting ones. */
async function refreshList(): Promise<void> {
  if (!agent) return;
  if (listTimer !== undefined) window.clearTimeout(listTimer);
  listTimer = undefined;
  if (listing) {
    // One read at a time: the running one schedules the next; ask for another right after.
    listAgain = true;
    return;
  }
  listing = true;
  const generation = listGeneration;
  // Whether an action of this page overlaps the read (see followOpenSession).
  const actionsBefore = acting ? -1 : actionsDone;
  try {
    const read = await agent.chatSessionsForUserAsync();
    if (generation !== listGeneration) return;
    sessions = ordered(read.filter((session) => session && !isEnded(session)));
    renderSessions();
    await followOpenSession(!acting && actionsBefore === actionsDone);
    pollWorked();
  } catch (error) {
    if (generation === listGeneration) showPollProblem(error);
  } finally {
    listing = false;
    if (generation === listGeneration && agent) {
      const again = listAgain;
      listAgain = false;
      listTimer = window.setTimeout(() => void refreshList(), again ? 0 : LIST_EVERY_MS);
    }
  }
}
let listAgain = false;

/** The service's order - the agent's own first, in Rank order, then the rest oldest
 *  first - with the sessions offered to the agent moved up behind the agent's own. */
function ordered(list: ChatSessionEntity[]): ChatSessionEntity[] {
  const own = list.filter((session) => isMine(session));
  const offered = list.filter((session) => !isMine(session) && isOfferedToMe(session));
  const rest = list.filter((session) => !isMine(session) && !isOfferedToMe(session));
  return [...own, ...offered, ...rest];
}

interface RowActions {
  pickUp: boolean;
  open: boolean;
  offer: boolean;
}

function actionsOf(session: ChatSessionEntity): RowActions {
  const offered = isOfferedToMe(session);
  // A chatbot's session waits without being handed out (the service answers a pickup of
  // it with null): it can be read, not picked up.
  const waiting = String(session.status) === 'InQueue' && !session.transferTo && !session.chatbotIsActive;
  return { pickUp: waiting, open: !waiting || offered, offer: offered };
}

const rowsById = new Map<number, HTMLTableRowElement>();

function hiddenText(text: string): HTMLElement {
  return element('span', { class: 'visually-hidden' }, text);
}

function actionButtons(session: ChatSessionEntity, actions: RowActions): HTMLElement[] {
  const id = Number(session.chatSessionId);
  const about = ` session ${id}, ${customerOf(session)}`;
  const buttons: HTMLElement[] = [];
  if (actions.pickUp) {
    const button = element('button', { type: 'button', class: 'primary', 'data-testid': 'session-pick-up' }, 'Pick up', hiddenText(about));
    button.addEventListener('click', () => void pickUp(id));
    buttons.push(button);
  }
  if (actions.offer) {
    const accept = element('button', { type: 'button', class: 'primary', 'data-testid': 'accept' }, 'Accept', hiddenText(about));
    accept.addEventListener('click', () => void acceptTransfer(id));
    const reject = element('button', { type: 'button', 'data-testid': 'reject' }, 'Reject', hiddenText(about));
    reject.addEventListener('click', () => void rejectTransfer(id));
    buttons.push(accept, reject);
  }
  if (actions.open) {
    const open = element('button', { type: 'button', 'data-testid': 'session-open' }, 'Open', hiddenText(about));
    open.addEventListener('click', () => void openConversation(id));
    buttons.push(open);
  }
  return buttons;
}

function renderSessions(): void {
  const wanted = new Set<number>();
  let focusLost = false;
  sessions.forEach((session, index) => {
    const id = Number(session.chatSessionId);
    wanted.add(id);
    let row = rowsById.get(id);
    if (!row) {
      row = element('tr', { 'data-testid': 'session-row', 'data-session-id': String(id) });
      const first = element('th', { scope: 'row' });
      row.append(first);
      for (const name of ['customer', 'topic', 'state', 'agent', 'requested', 'actions-cell']) {
        row.append(element('td', { class: name }));
      }
      (row.lastElementChild as HTMLElement).append(element('div', { class: 'actions' }));
      rowsById.set(id, row);
    }
    const cells = row.children;
    setText(cells[0], `#${id}`);
    const customerCell = cells[1] as HTMLElement;
    const last = session.lastMessage || session.firstMessage || '';
    const customerKey = customerOf(session) + '\u0000' + last;
    if (customerCell.dataset.key !== customerKey) {
      customerCell.dataset.key = customerKey;
      customerCell.replaceChildren(customerOf(session));
      if (last) customerCell.append(element('span', { class: 'last' }, last.length > 120 ? last.slice(0, 119) + '…' : last));
    }
    setText(cells[2], session.topicId ? String(session.topicId) : '');
    setText(cells[3], statusText(session));
    setText(cells[4], agentText(session));
    const requestedCell = cells[5] as HTMLElement;
    const requested = dateOf(session.whenRequested);
    const requestedKey = requested ? requested.toISOString() + shownTime(requested) : '';
    if (requestedCell.dataset.key !== requestedKey) {
      requestedCell.dataset.key = requestedKey;
      requestedCell.replaceChildren(timeElement(session.whenRequested));
    }
    row.setAttribute('data-status', String(session.status));
    row.setAttribute('data-mine', String(isMine(session)));
    row.setAttribute('data-offered', String(isOfferedToMe(session)));
    row.classList.toggle('mine', isMine(session));
    row.classList.toggle('offered', isOfferedToMe(session));
    row.classList.toggle('opened', !!open && open.id === id);
    const actions = actionsOf(session);
    const actionsKey = `${actions.pickUp}/${actions.open}/${actions.offer}/${customerOf(session)}`;
    const holder = (cells[6] as HTMLElement).firstElementChild as HTMLElement;
    if (holder.dataset.key !== actionsKey) {
      if (holder.contains(document.activeElement)) focusLost = true;
      holder.dataset.key = actionsKey;
      holder.replaceChildren(...actionButtons(session, actions));
    }
    // Move a row only when it is out of place: moving takes the focus from its buttons.
    if (ui.rows.children[index] !== row) {
      if (row.contains(document.activeElement)) focusLost = true;
      ui.rows.insertBefore(row, ui.rows.children[index] ?? null);
    }
  });
  for (const [id, row] of rowsById) {
    if (!wanted.has(id)) {
      if (row.contains(document.activeElement)) focusLost = true;
      row.remove();
      rowsById.delete(id);
    }
  }
  ui.empty.hidden = sessions.length > 0;
  if (focusLost && (document.activeElement === document.body || !document.activeElement)) ui.chatsTitle.focus();
}

// ---------------------------------------------------------------------------------------
// Actions on the list

let acting = false;
/** Actions finished so far: a list read that an action overlapped may be older than it. */
let actionsDone = 0;

/** Runs one action at a time (a second click while one runs is ignored, so a double click
 *  never picks up two sessions), shows its problem, and refreshes the list after it. */
async function act(work: () => Promise<void>): Promise<void> {
  if (acting || !agent) return;
  acting = true;
  clearNotices();
  try {
    await work();
  } catch (error) {
    showProblem(error);
  } finally {
    acting = false;
    actionsDone++;
    if (agent) void refreshList();
  }
}

function pickUpNext(): Promise<void> {
  return act(async () => {
    const session = await agent!.pickUpFirstChatSessionAsync();
    if (!session) {
      notify('Nobody is waiting in your topics.');
      return;
    }
    notify(`You picked up session ${session.chatSessionId} (${customerOf(session)}).`);
    await showConversation(session);
  });
}

function pickUp(id: number): Promise<void> {
  return act(async () => {
    const session = await agent!.pickUpChatSessionAsync(id);
    if (!session) {
      notify(`Session ${id} was not picked up: it is no longer waiting for an agent.`);
      return;
    }
    notify(`You picked up session ${id} (${customerOf(session)}).`);
    await showConversation(session);
  });
}

function acceptTransfer(id: number): Promise<void> {
  return act(async () => {
    const session = await agent!.acceptChatSessionTransferAsync(id);
    if (!isMine(session)) {
      setText(ui.alert, `Session ${id} is no longer offered to you.`);
      return;
    }
    notify(`Session ${id} is yours now.`);
    await showConversation(session);
  });
}

function rejectTransfer(id: number): Promise<void> {
  return act(async () => {
    await agent!.rejectChatSessionTransferAsync(id);
    notify(`You declined session ${id}.`);
    if (open && open.id === id) closeConversation();
  });
}

// ---------------------------------------------------------------------------------------
// The open conversation

interface OpenSession {
  id: number;
  session: ChatSessionEntity | null;
  lastId: number;
  shown: Set<number>;
  generation: number;
}

let open: OpenSession | null = null;
let openGeneration = 0;
let messagesTimer: number | undefined;
let reading = false;

function openConversation(id: number): Promise<void> {
  return act(async () => {
    const session = sessions.find((one) => Number(one.chatSessionId) === id) ?? (await agent!.getChatSessionEntityAsync(id));
    await showConversation(session);
  });
}

async function showConversation(session: ChatSessionEntity): Promise<void> {
  const id = Number(session.chatSessionId);
  if (!open || open.id !== id) {
    closeConversation();
    open = { id, session, lastId: 0, shown: new Set(), generation: ++openGeneration };
    ui.messages.replaceChildren();
    ui.messageInput.value = '';
    ui.transferTo.value = '';
  } else {
    open.session = session;
  }
  ui.conversation.hidden = false;
  renderConversationState();
  for (const row of rowsById.values()) row.classList.toggle('opened', row.dataset.sessionId === String(id));
  ui.conversationTitle.focus();
  await readMessages();
}

function closeConversation(): void {
  openGeneration++;
  open = null;
  if (messagesTimer !== undefined) window.clearTimeout(messagesTimer);
  messagesTimer = undefined;
  ui.conversation.hidden = true;
  ui.messages.replaceChildren();
  for (const row of rowsById.values()) row.classList.remove('opened');
}

function renderConversationState(): void {
  if (!open) return;
  const session = open.session;
  const customer = session ? customerOf(session) : '';
  setText(ui.conversationTitle, `Session ${open.id}` + (customer ? ` with ${customer}` : ''));
  ui.conversation.setAttribute('data-session-id', String(open.id));
  ui.conversation.setAttribute('data-status', session ? String(session.status) : '');
  let state = '';
  if (session) {
    state = statusText(session);
    if (session.topicId) state += ` · topic ${session.topicId}`;
    if (isEnded(session)) state += ' · this chat is over';
    else if (!isMine(session)) state += isOfferedToMe(session) ? ' · accept it to answer' : ' · read only: not your chat';
  }
  setText(ui.conversationState, state);
  const holder = isMine(session) && !isEnded(session);
  ui.holderActions.hidden = !holder;
  // The session's agent may withdraw an offer (RejectChatSessionTransfer from the holder).
  ui.withdraw.hidden = !(holder && session?.transferTo);
}

/** After each list read: the open session's entity from the list, or - when it left the
 *  list (ended, or no longer visible) - read on its own. Only from a `fresh` read, one no
 *  action of this page overlapped: an overlapped read may be older than the action's own
 *  answer, which already set the open session. What changed then, a colleague changed. */
async function followOpenSession(fresh: boolean): Promise<void> {
  if (!open || !agent || !fresh) return;
  const current = open;
  const before = current.session;
  const listed = sessions.find((one) => Number(one.chatSessionId) === current.id);
  if (listed) {
    current.session = listed;
  } else if (!isEnded(current.session)) {
    try {
      current.session = await agent.getChatSessionEntityAsync(current.id);
    } catch (error) {
      if (statusOf(error) === 404) {
        if (open === current) {
          notify(`Session ${current.id} is no longer visible to you.`);
          closeConversation();
        }
        return;
      }
      throw error;
    }
  }
  if (open === current) {
    toldOfChange(current.id, before, current.session);
    renderConversationState();
  }
}

/** What a colleague did to the open chat, in the status line: took it over (accepted the
 *  offer), or declined the offer, so that the line no longer says it is offered. */
function toldOfChange(id: number, before: ChatSessionEntity | null, after: ChatSessionEntity | null): void {
  if (!before || !after || isEnded(after) || !isMine(before)) return;
  if (!isMine(after) && after.user && String(after.status) !== 'InQueue') {
    notify(`${after.user.fullName || after.user.name} took over session ${id}.`);
  } else if (isMine(after) && before.transferTo && !after.transferTo) {
    notify(`${before.transferTo.fullName || before.transferTo.name} did not take session ${id}: it stays yours.`);
  }
}

/** What a notice without text of its own says. */
const NOTICES: Record<string, string> = {
  ClosedByUser: 'The agent ended the chat.',
  ClosedByCustomer: 'The customer left the chat.',
  ClosedByIdle: 'The chat was closed: the customer went quiet.',
  TransferedSession: 'The chat was transferred.',
  TransferRejected: 'The transfer was declined.',
  NewSession: 'The chat started.',
  SessionDeleted: 'The chat was deleted.',
  ReopenedByCustomer: 'The customer came back.',
};

function messageElement(message: ChatMessage): HTMLElement {
  const type = String(message.type ?? '');
  const special = String(message.specialType ?? 'None');
  const kind = type === 'ToCustomer' ? 'to-customer' : type === 'ToUser' ? 'to-user' : 'special';
  const author = message.author || (type === 'ToUser' ? 'Customer' : type === 'ToCustomer' ? 'Agent' : 'Notice');
  const meta = element('p', { class: 'meta' }, element('span', { class: 'author' }, author), ' ', timeElement(message.whenPosted));
  if (special !== 'None' && special !== 'undefined') meta.append(' · ', special);
  return element(
    'div',
    {
      class: `msg ${kind}`,
      'data-testid': 'message',
      'data-type': type,
      'data-special-type': special,
      'data-message-id': String(message.chatMessageId),
    },
    meta,
    element('p', { class: 'text' }, message.message || NOTICES[special] || ''),
  );
}

function scheduleMessages(delay: number): void {
  if (messagesTimer !== undefined) window.clearTimeout(messagesTimer);
  messagesTimer = window.setTimeout(() => void readMessages(), delay);
}

/** The messages after the last one shown (GetChatMessages with After), every 1.5 s while
 *  the conversation is open, so the customer's words arrive by themselves. */
async function readMessages(): Promise<void> {
  const current = open;
  if (!current || !agent) return;
  if (reading) {
    scheduleMessages(200);
    return;
  }
  reading = true;
  try {
    const messages = await agent.getChatMessagesAsync(current.id, current.lastId);
    if (open !== current || current.generation !== openGeneration) return;
    const log = ui.messages;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    for (const message of messages) {
      const id = Number(message?.chatMessageId);
      if (!message || !Number.isFinite(id) || current.shown.has(id)) continue;
      current.shown.add(id);
      current.lastId = Math.max(current.lastId, id);
      log.append(messageElement(message));
    }
    if (messages.length && atBottom) log.scrollTop = log.scrollHeight;
  } catch (error) {
    if (open === current) showPollProblem(error);
  } finally {
    reading = false;
    if (open === current && agent) scheduleMessages(MESSAGES_EVERY_MS);
  }
}

function send(): Promise<void> {
  const text = ui.messageInput.value;
  if (!open) return Promise.resolve();
  if (!text.trim()) {
    setText(ui.alert, 'Write a message first.');
    ui.messageInput.focus();
    return Promise.resolve();
  }
  const id = open.id;
  return act(async () => {
    // Type ToCustomer: the agent's words to the customer.
    await agent!.addChatMessageAsync(id, { message: text, type: 'ToCustomer' as ChatMessage['type'] });
    if (open && open.id === id) {
      ui.messageInput.value = '';
      ui.messageInput.focus();
      await readMessages();
    }
  });
}

function transfer(): Promise<void> {
  if (!open) return Promise.resolve();
  const to = ui.transferTo.value.trim();
  if (!to) {
    setText(ui.alert, "Type the colleague's login name to transfer the chat to.");
    ui.transferTo.focus();
    return Promise.resolve();
  }
  const id = open.id;
  return act(async () => {
    const session = await agent!.transferChatSessionAsync(id, to);
    if (open && open.id === id) open.session = session;
    if (session?.transferTo) {
      notify(`Session ${id} is offered to ${session.transferTo.fullName || session.transferTo.name}; it stays yours until they accept.`);
      ui.transferTo.value = '';
    } else {
      setText(ui.alert, `Session ${id} was not transferred: it is not yours to hand over.`);
    }
    renderConversationState();
  });
}

function withdraw(): Promise<void> {
  if (!open) return Promise.resolve();
  const id = open.id;
  return act(async () => {
    const session = await agent!.rejectChatSessionTransferAsync(id);
    if (open && open.id === id) open.session = session;
    notify(`The offer of session ${id} is withdrawn.`);
    renderConversationState();
  });
}

function reset(): Promise<void> {
  if (!open) return Promise.resolve();
  const id = open.id;
  return act(async () => {
    await agent!.resetChatSessionAsync(id);
    notify(`Session ${id} is back in the queue.`);
    if (open && open.id === id) closeConversation();
    ui.chatsTitle.focus();
  });
}

/** Ending: the client has no "end" method; the service ends a session whose entity is
 *  saved with Status Closed (SaveChatSessionEntity of an existing id takes the properties
 *  a caller may change, as PUT does). The entity is read fresh first, so nothing else in
 *  it changes. */
function end(): Promise<void> {
  if (!open) return Promise.resolve();
  const id = open.id;
  return act(async () => {
    const fresh = await agent!.getChatSessionEntityAsync(id);
    fresh.status = 'Closed' as ChatSessionEntity['status'];
    const saved = await agent!.saveChatSessionEntityAsync(fresh);
    if (open && open.id === id) {
      open.session = saved;
      renderConversationState();
      await readMessages();
    }
    notify(`Session ${id} is ended.`);
  });
}

// ---------------------------------------------------------------------------------------
// Wiring

ui.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const username = ui.username.value.trim();
  const password = ui.password.value;
  if (!username || !password) {
    setText(ui.alert, 'Type your name and password.');
    (username ? ui.password : ui.username).focus();
    return;
  }
  if (ui.signInForm.getAttribute('aria-busy') === 'true') return;
  ui.signInForm.setAttribute('aria-busy', 'true');
  clearNotices();
  signIn(username, password)
    .then((who) => {
      signedIn(who);
      ui.chatsTitle.focus();
    })
    .catch((error) => {
      setText(ui.alert, problemText(error));
      ui.password.select();
      ui.password.focus();
    })
    .finally(() => ui.signInForm.removeAttribute('aria-busy'));
});

ui.signOut.addEventListener('click', () => {
  clearNotices();
  signOutOfService()
    .then(() => {
      signedOut();
      notify('You are signed out.');
    })
    .catch((error) => setText(ui.alert, problemText(error)));
});

ui.pickUpNext.addEventListener('click', () => void pickUpNext());
ui.closeConversation.addEventListener('click', () => {
  closeConversation();
  ui.chatsTitle.focus();
});

ui.compose.addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});
ui.messageInput.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    void send();
  }
});
ui.transferForm.addEventListener('submit', (event) => {
  event.preventDefault();
  void transfer();
});
ui.withdraw.addEventListener('click', () => void withdraw());
ui.reset.addEventListener('click', () => void reset());
ui.end.addEventListener('click', () => void end());

/** On load: a sign-in remembered by this browser is tried with one list read (the
 *  cookie may have expired); otherwise the sign-in form. */
async function start(): Promise<void> {
  const who = remembered();
  if (!who) {
    signedOut();
    return;
  }
  const probe = makeAgent();
  try {
    await probe.chatSessionsForUserAsync();
    signedIn(who);
  } catch (error) {
    signedOut(statusOf(error) === 401 ? undefined : problemText(error));
  }
}

void start();
