// Si ifra on a wall tablet: paired once by staff, then one tap gives a rating and saying more is
// optional. Nothing a person gave stays on screen, in history or in storage for the next person.
import { suggestsCrisis } from './crisis.js';
import * as outbox from './queue.js';
import { grouped, makeCode } from './receipt.js';
import * as typed from './typed.js';

const ROOT = new URL('../../', import.meta.url);
const API = new URL('api/v1/', ROOT);
const KIOSK = new URL('kiosk/', ROOT);
const TOKEN = 'siifra.token';
const CONFIG = 'siifra.config';
const SPEECH = { nb: 'nb-NO', nn: 'nn-NO', en: 'en-GB' };
const ONE_TAP = ['smiley', 'yes_no', 'single_choice', 'scale'];
const OFFER_MS = 8000;
const DONE_MS = 4000;
// A receipt code stays long enough to write down by hand, unless the person taps "Ferdig".
const RECEIPT_MS = 90000;
const REFRESH_MS = 5 * 60000;
// Typed text is what a passer-by could read, so it goes first. It is hidden after 15 s without a key
// or a tap: a person thinking rarely pauses that long, one tap on the calm cover brings the text back,
// and someone who walked away is out of sight by then. A screen with text starts over after half the
// location's idle time (30 s of the default 60 s), but not under 20 s (the least staff can set), so
// that a pause always gets 10 s before the 10 s countdown.
const HIDE_TEXT_MS = 15000;
const MIN_TEXT_IDLE_MS = 20000;
const MOUTHS = ['M14 36Q24 26 34 36', 'M15 34Q24 29 33 34', 'M15 32H33', 'M15 30Q24 36 33 30', 'M13 28Q24 40 35 28'];

const $ = (id) => document.getElementById(id);
const app = $('app');
const shellTexts = JSON.parse($('texts').textContent);
const taps = []; // {at, key} of the last minute's ratings: in memory only, never stored or sent

let token = localStorage.getItem(TOKEN);
let cfg = readConfig();
let loadedAt = -Infinity;
let lang = 'nb';
let screen = '';
let redraw = () => {};
let person = null; // {form, base, entry}: the answers of the person at the tablet now
let lastTouch = performance.now();
let timer = 0;
let waiting = 0;
let views = 0;
let lastClick = { at: -Infinity, x: 0, y: 0, view: 0 };
let fits = () => true; // whether the text on the screen fits the limit (see typed.counter)
const plurals = new Map();

function readConfig() {
  try { return JSON.parse(localStorage.getItem(CONFIG)); } catch { return null; }
}

function t(key, vars = {}) {
  const all = cfg?.texts || shellTexts;
  const text = all[lang]?.[key] ?? all.nb?.[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (match, name) => (name in vars ? vars[name] : match));
}

// A count's words: the server sends key_one, key_other (and any other forms a language has).
function tn(key, n) {
  if (!plurals.has(lang)) plurals.set(lang, new Intl.PluralRules(lang));
  const all = cfg?.texts || shellTexts;
  const form = `${key}_${plurals.get(lang).select(n)}`;
  const known = (all[lang]?.[form] ?? all.nb?.[form]) !== undefined;
  return t(known ? form : `${key}_other`, { n });
}

const pick = (map) => (map && (map[lang] || map.nb || Object.values(map)[0])) || '';

function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === 'text') el.textContent = value;
    else if (name === 'onclick') el.addEventListener('click', value);
    else if (value !== false && value != null) el.setAttribute(name, value === true ? '' : value);
  }
  el.append(...children.flat().filter((c) => c != null && c !== false && c !== ''));
  return el;
}

function svg(tag, attrs) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}

function face(n) {
  const el = svg('svg', { class: `face face-${n}`, viewBox: '0 0 48 48', 'aria-hidden': 'true', focusable: 'false' });
  el.append(
    svg('circle', { cx: 24, cy: 24, r: 22 }),
    svg('circle', { class: 'eye', cx: 16.5, cy: 19, r: 3 }),
    svg('circle', { class: 'eye', cx: 31.5, cy: 19, r: 3 }),
    svg('path', { class: 'mouth', d: MOUTHS[n - 1] }),
  );
  return el;
}

const button = (key, kind, onclick) => h('button', { type: 'button', class: `big ${kind}`, onclick }, t(key));

function show(name, children, { bar = true } = {}) {
  clearTimeout(timer);
  uncover();
  views += 1;
  screen = name;
  document.body.dataset.screen = name;
  $('bar').hidden = !bar;
  app.replaceChildren(...children.flat().filter(Boolean));
  const heading = app.querySelector('h1');
  heading.tabIndex = -1;
  heading.focus({ preventScroll: true });
}

// --- What a person gives --------------------------------------------------------------------

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const formats = new Map(); // made once: a first Intl.DateTimeFormat is slow enough to delay the thank-you

function parts(kind, options) {
  const id = `${kind} ${cfg.timezone}`;
  if (!formats.has(id)) {
    try { formats.set(id, new Intl.DateTimeFormat('en-US', { ...options, timeZone: cfg.timezone })); } catch { formats.set(id, new Intl.DateTimeFormat('en-US', options)); }
  }
  return Object.fromEntries(formats.get(id).formatToParts(new Date()).map((p) => [p.type, p.value]));
}

// The day only, in the place's own time: the server never learns when in the day anyone answered.
function today() {
  const p = parts('day', { year: 'numeric', month: '2-digit', day: '2-digit' });
  return `${p.year}-${p.month}-${p.day}`;
}

function isOpen() {
  const hours = cfg.opening_hours || {};
  if (!Object.keys(hours).length) return true;
  const p = parts('time', { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const now = `${p.hour}:${p.minute}`;
  return (hours[p.weekday.slice(0, 3).toLowerCase()] || []).some(([from, to]) => (
    from <= to ? from <= now && now < to : now >= from || now < to));
}

const sleeping = () => cfg.sleep_outside_hours && !isOpen();

function entry() {
  if (!person.entry) {
    person.entry = { key: uuid(), link: cfg.link, version: cfg.form.version_id, answers: {}, day: today(), burst: false, done: false, body: null };
    noteTap(person.entry);
  }
  return person.entry;
}

function noteTap(given) {
  const now = performance.now();
  while (taps.length && now - taps[0].at > 60000) taps.shift();
  taps.push({ at: now, key: given.key });
  if (taps.length > (cfg.burst_per_minute || 10)) {
    given.burst = true;
    outbox.markBurst(taps.map((tap) => tap.key).filter((key) => key !== given.key)).catch(warn);
  }
}

const keep = () => person?.entry && outbox.save(person.entry).catch(warn);

function answer(q, values) {
  const answers = entry().answers;
  if (q.kind === 'multiple_choice' ? values.length : values.length === 1) {
    answers[q.id] = q.kind === 'multiple_choice' ? values : values[0];
  } else delete answers[q.id];
  keep();
}

// Typed text counts only once the person moves on with Neste or Ferdig; text over the limit keeps
// them on the screen, told how much too long it is, rather than being cut.
function takeText(q) {
  if (q.kind !== 'free_text') return true;
  if (!fits()) return false;
  const text = $('answer').value.trim();
  if (text) {
    entry().answers[q.id] = text;
    keep();
  }
  return true;
}

function skip(q) {
  if (person.entry) { delete person.entry.answers[q.id]; keep(); }
}

function finalise() {
  const given = person?.entry;
  person = null;
  if (!given) return;
  given.done = true;
  const stored = Object.keys(given.answers).length ? outbox.save(given) : outbox.remove(given.key);
  stored.then(() => outbox.flush(), warn);
}

// --- Screens -----------------------------------------------------------------------------------

function choices(q) {
  if (q.kind === 'smiley') return q.options.map((o) => ({ value: o.value, label: pick(o.label) || t(`smiley_${o.value}`), face: o.value }));
  if (q.kind === 'yes_no') return [{ value: true, label: t('yes') }, { value: false, label: t('no') }];
  if (q.kind === 'scale') {
    const list = [];
    for (let v = q.scale.min; v <= q.scale.max; v += 1) list.push({ value: v, label: String(v) });
    return list;
  }
  return q.options.map((o) => ({ value: o.id, label: pick(o.label) }));
}

// Four or more options go in two columns where the screen is wide enough, to keep the buttons in view.
const long = (q, list) => ['single_choice', 'multiple_choice'].includes(q.kind) && list.length > 3;

const help = (q) => pick(q.help) && h('p', { class: 'hint', 'data-say': '', text: pick(q.help) });

function idle() {
  redraw = idle;
  person = null;
  if (sleeping()) return sleep();
  const q = cfg.form.questions[0];
  if (!ONE_TAP.includes(q.kind)) {
    person = { form: cfg.form, base: 0, entry: null };
    return step(0, 'idle');
  }
  const faces = q.kind === 'smiley';
  const list = choices(q);
  show('idle', [
    h('h1', { id: 'question', 'data-say': '', text: pick(q.text) }),
    help(q),
    faces && h('p', { class: 'prompt', text: t('tap_prompt') }),
    h('div', { class: faces ? 'faces' : `taps ${q.kind}${long(q, list) ? ' long' : ''}`, role: 'group', 'aria-labelledby': 'question' },
      list.map((c) => h('button', { type: 'button', class: faces ? 'face-btn' : 'choice', onclick: () => rate(q, c.value) },
        c.face && face(c.face), h('span', { 'data-say': '', text: c.label })))),
    ledgerCard(),
  ]);
}

// --- "Dette har vi gjort" under the faces -------------------------------------------------------------
// What people here said and what the service did about it, one entry at a time in easy-read words. The
// entries come with the configuration, so the wall shows them offline too. Turning to the next one is
// not a touch (the screen stays as it is), and it waits while an entry is read aloud or has keyboard focus.
const LEDGER_MS = 10000;
let ledgerAt = 0;

const ledger = () => cfg?.ledger?.[lang] || cfg?.ledger?.nb || [];

function ledgerCard() {
  const list = ledger();
  if (!list.length) return null;
  ledgerAt %= list.length;
  return h('section', { class: 'ledger', id: 'ledger', 'aria-labelledby': 'ledger-title' },
    h('div', { class: 'ledger-head' },
      h('h2', { id: 'ledger-title', text: t('ledger_title') }),
      list.length > 1 && h('span', { class: 'ledger-dots', 'aria-hidden': 'true' }, list.map((_, i) => h('span', { class: i === ledgerAt ? 'on' : null }))),
      'speechSynthesis' in window && h('button', { type: 'button', class: 'tool', onclick: () => speak(ledgerWords(list[ledgerAt])) }, t('read_aloud'))),
    ledgerLines(list[ledgerAt]));
}

// The status in plain words, what was said, and what was done, or why it cannot be.
function ledgerLines(item) {
  const why = item.status === 'ikke_mulig' && item.reason;
  return [
    h('p', { class: `ledger-status ${item.status}`, text: item.status_words }),
    h('p', { class: 'ledger-heard' }, h('strong', { text: t('ledger_heard') }), ' ', item.heard),
    why ? h('p', { class: 'ledger-done' }, h('strong', { text: t('ledger_reason') }), ' ', item.reason)
      : item.done && h('p', { class: 'ledger-done', text: item.done }),
  ];
}

function ledgerWords(item) {
  const why = item.status === 'ikke_mulig' && item.reason;
  return [item.status_words, `${t('ledger_heard')} ${item.heard}`, why ? `${t('ledger_reason')} ${item.reason}` : item.done]
    .filter(Boolean).map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)).join(' ');
}

function turnLedger() {
  const card = $('ledger');
  if (screen !== 'idle' || !card || card.querySelector(':focus-visible')) return;
  if ('speechSynthesis' in window && speechSynthesis.speaking) return;
  ledgerAt += 1;
  const next = ledgerCard();
  if (next) card.replaceWith(next);
}

// One tap records the rating: the thanks comes first, storage follows without holding it up.
function rate(q, value) {
  person = { form: cfg.form, base: 1, entry: null };
  const given = entry();
  given.answers[q.id] = value;
  const more = person.form.questions.length > 1;
  thanks(more);
  if (more) keep(); else finalise();
}

function thanks(offer, help = false, receiptKey = null) {
  redraw = () => thanks(offer, help, receiptKey);
  show('thanks', [
    h('div', { class: 'mark', 'aria-hidden': 'true' }, check()),
    h('h1', { 'data-say': '', text: t('thanks') }),
    h('p', { class: 'lead', 'data-say': '', text: t('thanks_saved') }),
    help && helpBox(),
    offer && [
      h('h2', { 'data-say': '', text: t('say_more') }),
      h('div', { class: 'actions' }, button('say_more_yes', 'primary', () => step(1)), button('say_more_no', '', reset)),
    ],
    receiptKey && receiptOffer(receiptKey),
    help && !receiptKey && h('div', { class: 'actions' }, button('done', '', reset)),
  ]);
  // Time to read the numbers, or write them down: the screen then waits as long as a person mid-way.
  timer = setTimeout(reset, help || receiptKey ? cfg.idle_reset_seconds * 1000 : offer ? OFFER_MS : DONE_MS);
}

// Where to get help, in plain words; shown when typed text suggests someone may be in danger.
function helpBox() {
  const line = (number, key) => h('li', {}, h('strong', { class: 'number', 'data-say': '', text: number }), ' ',
    h('span', { 'data-say': '', text: t(key) }));
  return h('section', { class: 'help', role: 'region', 'aria-labelledby': 'help-title' },
    h('h2', { id: 'help-title', 'data-say': '', text: t('help_title') }),
    h('p', { 'data-say': '', text: t('help_body') }),
    h('ul', { class: 'help-lines' }, line('116 123', 'help_116123'), line('116 117', 'help_116117'), line('113', 'help_113')),
    h('p', { 'data-say': '', text: t('help_anonymous') }));
}

function check() {
  const el = svg('svg', { viewBox: '0 0 48 48', focusable: 'false' });
  el.append(svg('circle', { cx: 24, cy: 24, r: 22 }), svg('path', { d: 'M14 25l7 7 13-15' }));
  return el;
}

function done() {
  const gave = person.entry && Object.keys(person.entry.answers).length;
  const help = gave && Object.values(person.entry.answers)
    .some((value) => typeof value === 'string' && suggestsCrisis(value, cfg.crisis_phrases));
  const receiptKey = gave && cfg.receipt && wroteText(person.entry) ? person.entry.key : null;
  finalise();
  if (gave) thanks(false, help, receiptKey); else idle();
}

// --- Receipt codes: offered on the thank-you screen after free text -----------------------------------

const wroteText = (given) => Object.values(given.answers).some((value) => typeof value === 'string');

function receiptOffer(key) {
  return h('section', { class: 'receipt-offer', 'aria-labelledby': 'receipt-offer' },
    h('h2', { id: 'receipt-offer', 'data-say': '', text: t('receipt_offer') }),
    h('p', { 'data-say': '', text: t('receipt_offer_body') }),
    h('div', { class: 'actions' }, button('receipt_yes', 'primary', () => receipt(key)), button('receipt_no', '', reset)));
}

// The code is made here and queued with the submission's key: it reaches the server once, online or later.
function receipt(key) {
  const code = makeCode(cfg.receipt.alphabet, cfg.receipt.length);
  outbox.queueReceipt(key, code).then(() => outbox.flush(), warn);
  showReceipt(code, performance.now() + Math.max(RECEIPT_MS, cfg.idle_reset_seconds * 1000));
}

// until: when the screen wipes itself; a change of language redraws it without moving that time.
function showReceipt(code, until) {
  redraw = () => showReceipt(code, until);
  show('receipt', [
    h('h1', { 'data-say': '', text: t('receipt_title') }),
    h('p', { class: 'receipt-code', id: 'receipt-code', lang: 'zxx', text: grouped(code) }),
    h('p', { class: 'lead', 'data-say': '', text: t('receipt_keep') }),
    h('p', { 'data-say': '', text: t('receipt_where') }),
    h('p', { class: 'receipt-address', text: cfg.receipt.address }),
    h('div', { class: 'actions' }, button('done', 'primary', reset)),
  ]);
  timer = setTimeout(reset, Math.max(0, until - performance.now()));
}

function step(i, as = 'step') {
  const { form, base } = person;
  if (i >= form.questions.length) return done();
  redraw = () => step(i, as);
  const q = form.questions[i];
  const last = i === form.questions.length - 1;
  show(as, [
    h('p', { class: 'count', text: t('question_of', { n: i - base + 1, total: form.questions.length - base }) }),
    widget(q),
    h('div', { class: 'actions' },
      !last && button('next', 'primary', () => { if (takeText(q)) step(i + 1, 'step'); }),
      button('skip', '', () => { skip(q); step(i + 1, 'step'); }),
      button('done', last ? 'primary' : '', () => { if (takeText(q)) done(); })),
  ]);
}

// No maxlength: the browser would cut a paste or a dictation without a word. The count says it instead.
function textField(q) {
  const field = h('textarea', {
    id: 'answer', rows: 4, autocomplete: 'off', autocorrect: 'off', spellcheck: 'false',
    'aria-describedby': 'answer-hint answer-room',
  });
  const shown = h('p', { class: 'room', id: 'answer-room', 'aria-hidden': 'true' });
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  fits = typed.counter(field, shown, live, cfg.max_free_text || 2000, tn);
  return [
    h('h1', {}, h('label', { for: 'answer', 'data-say': '', text: pick(q.text) })),
    help(q),
    field,
    h('div', { class: 'under' }, h('p', { class: 'hint', id: 'answer-hint', text: t('free_text_hint') }), shown),
    live,
  ];
}

// "Choose as many as you like", unless the question's own help says so already.
function manyHint(q) {
  const plain = (text) => text.toLocaleLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  if (plain(pick(q.help)).includes(plain(t('choose_many')))) return null;
  return h('p', { class: 'hint', text: t('choose_many') });
}

function widget(q) {
  fits = () => true;
  if (q.kind === 'free_text') return textField(q);
  const title = pick(q.text);
  const many = q.kind === 'multiple_choice';
  const given = person.entry?.answers[q.id];
  const inputs = [];
  const list = choices(q).map((c) => {
    const input = h('input', { type: many ? 'checkbox' : 'radio', name: `q${q.id}`, autocomplete: 'off' });
    input.checked = many ? (given || []).includes(c.value) : given === c.value;
    inputs.push([input, c.value]);
    input.addEventListener('change', () => answer(q, inputs.filter(([el]) => el.checked).map(([, v]) => v)));
    return h('label', { class: 'choice' }, input, c.face && face(c.face), h('span', { 'data-say': '', text: c.label }));
  });
  const s = q.scale;
  return h('fieldset', { class: `question ${q.kind}`, 'aria-describedby': s ? 'ends' : null },
    h('legend', {}, h('h1', { 'data-say': '', text: title })),
    help(q),
    many && manyHint(q),
    h('div', { class: long(q, list) ? 'choices long' : 'choices' }, list),
    s && h('p', { class: 'ends', id: 'ends' },
      h('span', { text: `${s.min} = ${pick(s.min_label)}` }), h('span', { text: `${s.max} = ${pick(s.max_label)}` })));
}

function sleep() {
  redraw = sleep;
  show('sleep', [h('h1', { text: t('sleep_title') }), h('p', { class: 'lead', text: t('sleep_body') })], { bar: false });
}

function blocked(body) {
  redraw = () => blocked(body);
  show('blocked', [
    h('h1', { text: t('not_set_up_title') }),
    h('p', { class: 'lead', text: t(body) }),
    h('div', { class: 'actions' }, button('pair_title', 'quiet', () => pairScreen())),
  ], { bar: false });
}

function offline() {
  redraw = offline;
  show('offline', [h('h1', { text: t('pair_offline') })], { bar: false });
}

function pairScreen(error = '', code = '') {
  redraw = () => pairScreen(error, code);
  history.replaceState(null, '', new URL('pair', KIOSK));
  const input = h('input', {
    id: 'code', name: 'code', value: code, autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false',
    'aria-describedby': error ? 'pair-error' : null, 'aria-invalid': error ? 'true' : null,
  });
  const form = h('form', { class: 'pair', autocomplete: 'off' },
    h('label', { for: 'code', text: t('pair_label') }), input,
    error && h('p', { class: 'error', id: 'pair-error', role: 'alert', text: error }),
    h('button', { type: 'submit', class: 'big primary' }, t('pair_button')));
  form.addEventListener('submit', (event) => { event.preventDefault(); pair(input.value); });
  show('pair', [h('h1', { text: t('pair_title') }), form], { bar: false });
}

// --- The frame around the screens ----------------------------------------------------------------

function chrome() {
  document.documentElement.lang = lang;
  $('restart').textContent = t('start_over');
  $('read').textContent = t('read_aloud');
  $('read').hidden = !('speechSynthesis' in window);
  $('langs').setAttribute('aria-label', t('language'));
  const names = cfg?.languages || {};
  const codes = Object.keys(names).sort((a, b) => order(a) - order(b));
  $('langs').replaceChildren(...codes.map((code) => h('button', {
    type: 'button', class: 'tool', lang: code, 'aria-pressed': String(code === lang), onclick: () => setLang(code),
  }, names[code])));
  $('anon').textContent = t('anonymous');
  // "The text is hidden." on a line of its own, calm and bold; "Tap to show it." below.
  const [first, ...rest] = t('text_hidden').split(/(?<=[.!?])\s+/);
  $('cover').firstChild.replaceChildren(h('strong', { text: first }), rest.length ? ' ' : '', h('span', { text: rest.join(' ') }));
  pending(waiting);
}

const order = (code) => ((['nb', 'nn', 'en'].indexOf(code) + 1) || 9);

// A tap on a language is a person at the tablet: hidden text comes back, and stays through the change.
function setLang(code) {
  if (typed.isHidden()) showText();
  const text = $('answer')?.value;
  lang = code;
  chrome();
  redraw();
  if (text && $('answer')) {
    $('answer').value = text;
    $('answer').dispatchEvent(new Event('input'));
  }
}

function pending(count) {
  waiting = count;
  $('pending').textContent = count ? tn('pending', count) : '';
}

function hideText() {
  typed.hide($('answer'));
  app.hidden = true;
  $('cover').hidden = false;
  $('cover').focus({ preventScroll: true });
}

function showText() {
  $('cover').hidden = true;
  app.hidden = false;
  typed.show($('answer'));
}

// A new screen never shows text hidden on the one before: it is dropped with that screen.
function uncover() {
  typed.forget();
  $('cover').hidden = true;
  app.hidden = false;
}

function readAloud() {
  speak([...(app.hidden ? $('cover') : app).querySelectorAll('[data-say]')].map((el) => el.textContent.trim()).filter(Boolean).join('. '));
}

function speak(text) {
  speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = SPEECH[lang] || SPEECH.nb;
  const voices = speechSynthesis.getVoices();
  utterance.voice = voices.find((v) => v.lang === utterance.lang)
    || voices.find((v) => lang !== 'en' && /^(nb|nn|no)\b/i.test(v.lang)) || null;
  speechSynthesis.speak(utterance);
}

// Everything back to the start for the next person: typed text not yet kept is dropped.
function reset() {
  if ('speechSynthesis' in window) speechSynthesis.cancel();
  finalise();
  countdown(0);
  lang = 'nb';
  chrome();
  if (cfg) idle();
}

function countdown(seconds) {
  $('countdown').hidden = !seconds;
  if (seconds) $('countdown-text').textContent = tn('idle_countdown', seconds);
}

const textOnScreen = () => typed.isHidden() || Boolean($('answer')?.value.trim());

function idleLimit() {
  const idle = cfg.idle_reset_seconds * 1000;
  return textOnScreen() ? Math.min(idle, Math.max(idle / 2, MIN_TEXT_IDLE_MS)) : idle;
}

function tick() {
  const asleep = !cfg || !['step', 'idle'].includes(screen)
    || (screen === 'idle' && !person?.entry && lang === 'nb' && !textOnScreen());
  if (asleep) return countdown(0);
  const still = performance.now() - lastTouch;
  if (still >= HIDE_TEXT_MS && !typed.isHidden() && $('answer')?.value.trim()) hideText();
  const left = idleLimit() - still;
  if (left <= 0) reset();
  else countdown(left <= 10000 ? Math.ceil(left / 1000) : 0);
}

// A quick second tap of a double tap must not land on the screen that the first tap opened: on the
// faces it would give a second rating, on the thank-you it would answer "say more" unasked.
function doubleTap(event) {
  const gap = event.timeStamp - lastClick.at;
  const near = Math.hypot(event.clientX - lastClick.x, event.clientY - lastClick.y) < 80;
  const landed = lastClick.view !== views && ['idle', 'thanks'].includes(screen);
  if (event.detail && gap < 400 && near && landed) {
    event.preventDefault();
    event.stopPropagation();
    return;
  }
  lastClick = { at: event.timeStamp, x: event.clientX, y: event.clientY, view: views };
}

function touched(event) {
  lastTouch = performance.now();
  if (!$('countdown').hidden) {
    countdown(0);
    if (event.type === 'keydown') event.preventDefault();
  }
}

// --- Pairing and configuration ----------------------------------------------------------------------

function api(path, options = {}) {
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  return fetch(new URL(path, API), { cache: 'no-store', credentials: 'omit', ...options, headers: { ...headers, ...options.headers } });
}

async function pair(code) {
  let response;
  try {
    response = await fetch(new URL('kiosk/pair', API), {
      method: 'POST', cache: 'no-store', credentials: 'omit',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code: code.trim() }),
    });
  } catch {
    return pairScreen(t('pair_offline'), code);
  }
  if (!response.ok) return pairScreen(t(response.status >= 500 ? 'pair_offline' : 'pair_failed'), code);
  token = (await response.json()).token;
  localStorage.setItem(TOKEN, token);
  localStorage.removeItem(CONFIG);
  cfg = null;
  history.replaceState(null, '', KIOSK);
  start();
}

function unpaired() {
  token = null;
  cfg = null;
  localStorage.removeItem(TOKEN);
  localStorage.removeItem(CONFIG);
  outbox.setToken(null);
  person = null;
  chrome();
  blocked('not_set_up_body');
}

async function loadConfig() {
  let response;
  try { response = await api('kiosk/config'); } catch { return offlineNow(); }
  if (response.status === 401) return unpaired();
  if (response.status === 409) {
    cfg = null;
    localStorage.removeItem(CONFIG);
    return blocked('no_form_body');
  }
  if (!response.ok) return offlineNow();
  const text = await response.text();
  loadedAt = performance.now();
  outbox.flush(true);
  if (text === localStorage.getItem(CONFIG) && cfg && screen !== 'blocked' && screen !== 'offline') return;
  localStorage.setItem(CONFIG, text);
  cfg = JSON.parse(text);
  warmUp();
  chrome();
  if (!['thanks', 'receipt'].includes(screen) && !person?.entry) idle();
}

function offlineNow() {
  if (!cfg) offline();
}

function start() {
  outbox.setToken(token);
  outbox.finaliseStale((key) => key === person?.entry?.key).then(() => outbox.flush(true), warn);
  navigator.storage?.persist?.().catch(() => {});
  chrome();
  if (cfg) idle();
  loadConfig();
  setTimeout(warmUp, 0);
}

// Do the slow first-time work (date formats, opening the database) before anyone taps.
function warmUp() {
  if (cfg) today();
  outbox.open().catch(warn);
}

function refresh() {
  if (token && (!cfg || screen === 'blocked' || performance.now() - loadedAt > REFRESH_MS)) loadConfig();
  if (cfg && screen === 'idle' && sleeping()) sleep();
  else if (cfg && screen === 'sleep' && !sleeping()) idle();
}

function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(new URL('sw.js', KIOSK), { scope: KIOSK.pathname }).catch(warn);
}

function warn(error) {
  console.warn('Si ifra:', error);
}

// The QR code's address carries the code after #, which never reaches a server or a log.
function pairFromAddress() {
  const found = /[#&]code=([^&]+)/.exec(location.hash);
  if (!found) return false;
  const code = decodeURIComponent(found[1]);
  pairScreen('', code);
  pair(code);
  return true;
}

function boot() {
  // The cover is made here, not in the page: a shell cached before it existed still works.
  app.after(h('button', { type: 'button', class: 'cover', id: 'cover', hidden: true, onclick: showText }, h('span', { 'data-say': '' })));
  outbox.configure({ api: API, changed: pending, unpaired });
  for (const type of ['pointerdown', 'keydown', 'input']) document.addEventListener(type, touched, true);
  document.addEventListener('click', doubleTap, true);
  $('restart').addEventListener('click', reset);
  $('read').addEventListener('click', readAloud);
  addEventListener('online', () => { outbox.flush(true); if (token) loadConfig(); });
  // Leaving the page (or a back/forward cache snapshot of it) must not keep anyone's answers.
  addEventListener('pagehide', () => { finalise(); uncover(); app.replaceChildren(); screen = ''; });
  addEventListener('pageshow', (event) => { if (event.persisted) reset(); });
  setInterval(tick, 500);
  setInterval(refresh, 30000);
  setInterval(turnLedger, LEDGER_MS);
  if (document.readyState === 'complete') registerWorker(); else addEventListener('load', registerWorker);
  addEventListener('hashchange', pairFromAddress);
  chrome();
  if (pairFromAddress()) return undefined;
  if (location.pathname.endsWith('/pair')) return pairScreen();
  if (!token) return blocked('not_set_up_body');
  return start();
}

boot();
