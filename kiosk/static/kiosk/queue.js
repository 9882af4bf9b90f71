// The outbox: one entry per person, kept in IndexedDB under its idempotency key until the server
// has acknowledged it. An entry's body is written once, just before its first send, and never
// changes afterwards, so that a retry is always the same request and is stored exactly once.
// No time is stored here: backoff state and tap times live in memory only.
// A receipt code a person asked for waits here too (kind 'receipt'), until the server has its hash;
// it goes after the submission it belongs to, under that submission's key.

const STORE = 'outbox';
const MAX_WAIT = 60000;
const hooks = { api: null, changed() {}, unpaired() {} };
let database = null;
let token = null;
let failures = 0;
let timer = 0;
let busy = false;
let again = false;

export function open() {
  database ??= new Promise((resolve, reject) => {
    const request = indexedDB.open('siifra-kiosk', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'key' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return database;
}

// Run work(store) in one transaction; writes are durable before the promise resolves.
async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    let result;
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error);
    work(tx.objectStore(STORE), (value) => { result = value; });
  });
}

// Change the stored entries that pass test, inside one transaction.
function change(test, edit) {
  return run('readwrite', (store, done) => {
    const request = store.getAll();
    request.onsuccess = () => {
      const hits = request.result.filter(test);
      hits.forEach((entry) => { edit(entry); store.put(entry); });
      done(hits);
    };
  });
}

export function configure(options) { Object.assign(hooks, options); }
export function setToken(value) { token = value; }
export const save = (entry) => run('readwrite', (store) => store.put(entry));
export const remove = (key) => run('readwrite', (store) => store.delete(key));
const all = () => run('readonly', (store, done) => { const r = store.getAll(); r.onsuccess = () => done(r.result); });

// Finalise entries a page left open (a reload or a restart mid-way), except the one in use.
export const queueReceipt = (submission, code) => save({ key: crypto.randomUUID(), kind: 'receipt', submission, code, done: true });
const isReceipt = (entry) => entry.kind === 'receipt';
const answersIn = (list) => list.filter((e) => e.done && !isReceipt(e)).length;

export const finaliseStale = (inUse) => change((e) => !e.done && !inUse(e.key), (e) => { e.done = true; });

// Mark entries as part of a burst of taps, unless they have been sent already.
export const markBurst = (keys) => change((e) => keys.includes(e.key) && !e.body, (e) => { e.burst = true; });

// Give an entry its final body before it is first sent; later calls return the same body.
async function freeze(key) {
  const [entry] = await change((e) => e.key === key && !e.body, (e) => {
    // The version shown travels along, so answers queued before staff publish a new one keep their meaning.
    e.body = JSON.stringify({ link: e.link, version_id: e.version, answers: e.answers, day: e.day, burst: e.burst });
  });
  return entry ? entry.body : (await all()).find((e) => e.key === key)?.body;
}

// Send what waits now; retry=true forgets earlier failures (the network is back).
export function flush(retry = false) {
  if (retry) { failures = 0; clearTimeout(timer); timer = 0; }
  if (busy) { again = true; return; }
  if (timer || !token) { all().then((list) => hooks.changed(answersIn(list)), () => {}); return; }
  busy = true;
  sendAll().catch((error) => console.warn('Si ifra: outbox', error)).finally(() => { busy = false; });
}

async function sendAll() {
  do {
    again = false;
    const stored = await all();
    // Answers first, receipts after: a receipt names a submission the server must have already.
    const ready = stored.filter((e) => e.done).sort((a, b) => isReceipt(a) - isReceipt(b));
    let left = answersIn(stored);
    hooks.changed(left);
    for (const entry of ready) {
      if (isReceipt(entry) && (await all()).some((e) => e.key === entry.submission)) continue;
      const outcome = await (isReceipt(entry) ? sendReceipt(entry) : send(entry));
      if (outcome === 'unpaired') { token = null; hooks.unpaired(); return; }
      if (outcome === 'redate') { await redate(entry); again = true; continue; }
      if (typeof outcome === 'number') { later(outcome); return; }
      await remove(entry.key);
      failures = 0;
      if (!isReceipt(entry)) { left -= 1; hooks.changed(left); }
    }
  } while (again);
}

// The server refused the day (a tablet clock set wrong): nothing was stored, so the answers go again
// under a new key without a day, and the server counts them for today.
async function redate(entry) {
  const key = crypto.randomUUID();
  await remove(entry.key);
  await save({ ...entry, key, day: null, body: null });
  await change((e) => isReceipt(e) && e.submission === entry.key, (e) => { e.submission = key; });
}

function later(retryAfter) {
  // Exponential backoff with jitter, so that many tablets coming back online do not send at once.
  const base = Math.min(MAX_WAIT, 1000 * 2 ** failures);
  failures += 1;
  const wait = Math.max(retryAfter, base / 2 + Math.random() * (base / 2));
  timer = setTimeout(() => { timer = 0; flush(); }, wait);
}

// Return 'ok' (stored, or refused for good), 'unpaired', or the milliseconds the server asked to wait.
async function send(entry) {
  const body = await freeze(entry.key);
  if (!body) return 'ok';
  const response = await post('submissions', body, { 'Idempotency-Key': entry.key });
  if (typeof response === 'number') return response;
  if (response.ok) return 'ok';
  if (response.status === 401) return 'unpaired';
  if (response.status === 400 && entry.day) {
    const problem = await response.json().catch(() => ({}));
    if (problem.field === 'day') return 'redate';
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return (Number.parseInt(response.headers.get('Retry-After'), 10) || 0) * 1000;
  }
  // A refusal that no retry can fix (an old form, a day too long ago): keep nothing, say why here only.
  console.warn('Si ifra: the server refused an answer for good:', response.status);
  return 'ok';
}

// The same request every time: the server stores the code's hash once, and a repeat changes nothing.
async function sendReceipt(entry) {
  const response = await post('kiosk/receipts', JSON.stringify({ key: entry.submission, code: entry.code }));
  if (typeof response === 'number') return response;
  if (response.ok) return 'ok';
  if (response.status === 401) return 'unpaired';
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    return (Number.parseInt(response.headers.get('Retry-After'), 10) || 0) * 1000;
  }
  // The answer was refused for good, or its text already has a code: this one can never be attached.
  console.warn('Si ifra: the server refused a receipt code for good:', response.status);
  return 'ok';
}

// Return the response, or 0 when the network failed (retry with backoff).
async function post(path, body, headers = {}) {
  try {
    return await fetch(new URL(path, hooks.api), {
      method: 'POST',
      cache: 'no-store',
      credentials: 'omit',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
      body,
    });
  } catch {
    return 0;
  }
}
