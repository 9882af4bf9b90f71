// Does what someone typed suggest they may be in danger? Then the thank-you shows where to get help.
// The same rule as kiosk/moderation/crisis.py (its docstring says it in words); the phrases come with the
// tablet's configuration, so this works offline. Nothing about the answer is kept or sent because of it.
const INVISIBLE = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

export function suggestsCrisis(text, phrases) {
  const words = text.replace(INVISIBLE, '').normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) || [];
  return (phrases || []).some((phrase) => {
    const parts = phrase.split(' ');
    for (let i = 0; i + parts.length <= words.length; i += 1) {
      const fits = parts.every((part, k) => (
        part.endsWith('*') ? words[i + k].startsWith(part.slice(0, -1)) : words[i + k] === part));
      if (fits) return true;
    }
    return false;
  });
}
