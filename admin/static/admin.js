// Small helpers for the staff pages; every page works without them.

// A button with data-copy="<id>" copies that field's text, and says so in its own label for a moment.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  if (!field || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    await navigator.clipboard.writeText(field.value || field.textContent);
    button.textContent = button.dataset.copied;
    setTimeout(() => { button.textContent = label; }, 2000);
  });
}

// The moderation queue by keyboard, for a long queue: j and k move between answers, x ticks one, o opens it.
const queue = document.getElementById('queue');
if (queue) {
  const items = [...queue.querySelectorAll('[data-item]')];
  let at = -1;
  const focus = (index) => {
    at = Math.max(0, Math.min(items.length - 1, index));
    items[at].focus();
    items[at].scrollIntoView({ block: 'nearest' });
  };
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.target.closest('input, select, textarea')) return;
    const current = items[at];
    if (event.key === 'j') focus(at + 1);
    else if (event.key === 'k') focus(at - 1);
    else if (event.key === 'x' && current) current.querySelector('input[type=checkbox]').click();
    else if (event.key === 'o' && current) current.querySelector('[data-open]').click();
    else return;
    event.preventDefault();
  });
}
