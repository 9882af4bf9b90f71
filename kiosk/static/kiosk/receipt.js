// Receipt codes made on the tablet, so that a person gets one offline too. The server's alphabet
// and length come with the configuration; only the code's keyed hash is ever stored on the server.

// Return a code of length characters from alphabet, without modulo bias (bytes past the last whole
// round of the alphabet are thrown away).
export function makeCode(alphabet, length) {
  const limit = 256 - (256 % alphabet.length);
  let code = '';
  while (code.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && code.length < length) code += alphabet[byte % alphabet.length];
    }
  }
  return code;
}

// As people read it: two groups of five, "K7QXP M2HRT".
export const grouped = (code) => `${code.slice(0, 5)} ${code.slice(5)}`;
