// The phone form without surprises: near the length limit of a free-text answer, say how much is left.
// The form works without this script; the server keeps a text that is too long and says so kindly.
const SHOW_FROM = 0.8;
const rules = new Intl.PluralRules(document.documentElement.lang || 'nb');

function say(counter, kind, n) {
  const form = rules.select(n) === 'one' ? 'one' : 'other';
  return counter.dataset[`${kind}${form[0].toUpperCase()}${form.slice(1)}`].replace('{n}', n);
}

for (const field of document.querySelectorAll('textarea[data-max]')) {
  const max = Number(field.dataset.max);
  const counter = document.getElementById(`${field.id}-count`);
  if (!counter || !max) continue;
  const update = () => {
    const length = [...field.value].length;
    const left = max - length;
    counter.classList.toggle('over', left < 0);
    counter.textContent = length < max * SHOW_FROM ? '' : say(counter, left < 0 ? 'over' : 'left', Math.abs(left));
  };
  field.addEventListener('input', update);
  update();
}
