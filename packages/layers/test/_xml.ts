// A small XML well-formedness check for the SVG writers' tests: one root element, properly nested and closed tags,
// quoted and unique attributes, no raw '<' or stray '&' in text or attribute values, only known entities.

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

/** Throws an Error saying what is wrong and where, or returns the root element's name. */
export function checkWellFormed(xml: string): string {
  let i = 0;
  const stack: string[] = [];
  let root: string | null = null;
  const fail = (what: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${what} near ${JSON.stringify(xml.slice(Math.max(0, i - 30), i + 30))}`);
  };
  const checkText = (s: string, from: number) => {
    for (let k = s.indexOf('&'); k >= 0; k = s.indexOf('&', k + 1)) {
      if (!ENTITY.test(s.slice(k))) ((i = from + k), fail('a bare & or an unknown entity'));
    }
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) fail('an unclosed XML declaration');
    i = end + 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const chunk = lt < 0 ? xml.slice(i) : xml.slice(i, lt);
    if (stack.length === 0 && chunk.trim() !== '') fail('text outside the root element');
    if (chunk.includes('>') && stack.length === 0) fail('a stray >');
    checkText(chunk, i);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) fail('an unclosed comment');
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      const name = NAME.exec(xml.slice(i + 2))?.[0] ?? fail('a bad closing tag');
      if (stack.pop() !== name) fail(`</${name}> does not close the open element`);
      i = xml.indexOf('>', i) + 1;
      if (i === 0) fail('an unterminated closing tag');
      continue;
    }
    const name = NAME.exec(xml.slice(i + 1))?.[0] ?? fail('a bad tag name');
    if (stack.length === 0 && root !== null) fail('a second root element');
    root ??= name;
    i += 1 + name.length;
    const seen = new Set<string>();
    for (;;) {
      const rest = xml.slice(i);
      const m = /^\s+([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(rest);
      if (m !== null) {
        if (seen.has(m[1]!)) fail(`attribute ${m[1]} twice`);
        seen.add(m[1]!);
        checkText(m[3] ?? m[4] ?? '', i);
        i += m[0].length;
        continue;
      }
      const close = /^\s*(\/?)>/.exec(rest) ?? fail(`a malformed attribute or tag <${name}`);
      i += close[0].length;
      if (close[1] !== '/') stack.push(name);
      break;
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack.join('>, <')}>`);
  if (root === null) fail('no root element');
  return root!;
}
