// The receipt code's copy button: shown only where a script can copy; without it the code is plain text to select.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const source = document.getElementById(button.dataset.copy);
  if (!source || !navigator.clipboard) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(source.textContent.trim());
      button.textContent = button.dataset.copied;
      setTimeout(() => { button.textContent = label; }, 3000);
    } catch {
      window.getSelection().selectAllChildren(source);
    }
  });
}
