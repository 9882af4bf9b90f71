// Typed text on a shared tablet. Near the limit a count says how much room is left, and past it how
// much is too much: nothing a person typed is cut without saying so. After a pause without a touch
// the text leaves the page for a calm cover, so that the next person cannot read it; a tap puts it
// back exactly as it was.

// A screen reader hears the count once typing pauses, not at every key.
const ANNOUNCE_MS = 1000;
// From 80 % of the limit: early enough to plan the last sentence, late enough not to nag.
const SHOW_FROM = 0.8;

let held = null; // the hidden text with its cursor and scroll position, in memory only

// The length the server counts: characters (not UTF-16 units) without the spaces around the text.
const length = (field) => [...field.value.trim()].length;

// Show in shown, and tell live politely, how much room is left in field; say(key, n) words a count.
export function counter(field, shown, live, limit, say) {
  let pause = 0;
  const words = () => {
    const left = limit - length(field);
    if (left < 0) return say('chars_over', -left);
    return length(field) >= limit * SHOW_FROM ? say('chars_left', left) : '';
  };
  const update = () => {
    const over = length(field) > limit;
    shown.textContent = words();
    shown.classList.toggle('over', over);
    if (over) field.setAttribute('aria-invalid', 'true'); else field.removeAttribute('aria-invalid');
  };
  const announce = () => { clearTimeout(pause); live.textContent = words(); };
  field.addEventListener('input', () => {
    update();
    clearTimeout(pause);
    pause = setTimeout(announce, ANNOUNCE_MS);
  });
  update();
  // Whether the text fits; when it does not, say so at once and keep the person where they are.
  return () => {
    if (length(field) <= limit) return true;
    announce();
    field.focus();
    return false;
  };
}

export const isHidden = () => held !== null;

// Take the text out of field (and so out of the page) until show() puts it back.
export function hide(field) {
  held = {
    value: field.value, start: field.selectionStart, end: field.selectionEnd, scroll: field.scrollTop,
    focused: document.activeElement === field,
  };
  field.value = '';
}

// Put the hidden text back into field, with the cursor where it was.
export function show(field) {
  if (!held) return;
  const { value, start, end, scroll, focused } = held;
  held = null;
  if (!field) return;
  field.value = value;
  if (focused) field.focus({ preventScroll: true });
  field.setSelectionRange(start, end);
  field.scrollTop = scroll;
  field.dispatchEvent(new Event('input')); // the count follows the text back
}

export function forget() {
  held = null;
}
