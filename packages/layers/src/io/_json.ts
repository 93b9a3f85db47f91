/**
 * A strict JSON parser (RFC 8259) for safetensors headers. `JSON.parse` keeps the last of duplicate keys and
 * drops positions, so a file with two entries named `w` would load whichever came last; this parser keeps every
 * key with its position and rejects duplicates at any depth. Nesting is capped, so a hostile `[[[[…` header
 * cannot overflow the stack.
 */

/** A parsed JSON value with the character index where it starts. */
export type JsonValue = JsonObject | JsonArray | JsonString | JsonNumber | JsonLiteral;

/** An object, its members in file order (keys are unique). */
export interface JsonObject {
  readonly kind: 'object';
  readonly at: number;
  readonly entries: readonly JsonEntry[];
}

/** One member of an object. */
export interface JsonEntry {
  readonly key: string;
  readonly keyAt: number;
  readonly value: JsonValue;
}

/** An array. */
export interface JsonArray {
  readonly kind: 'array';
  readonly at: number;
  readonly items: readonly JsonValue[];
}

/** A string, escapes resolved. */
export interface JsonString {
  readonly kind: 'string';
  readonly at: number;
  readonly value: string;
}

/** A number, kept as its source text so integers beyond 2^53 are not silently rounded. */
export interface JsonNumber {
  readonly kind: 'number';
  readonly at: number;
  readonly text: string;
}

/** `true`, `false` or `null`. */
export interface JsonLiteral {
  readonly kind: 'true' | 'false' | 'null';
  readonly at: number;
}

/** A syntax error at character index `at` of the text. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const PLAIN_RUN = /[^"\\\u0000-\u001f]*/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as one JSON value surrounded by optional whitespace, nesting at most `maxDepth` levels. */
export function parseJson(text: string, maxDepth: number): JsonValue {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(message, at);
  };
  const skipSpace = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      i++;
    }
  };
  // `closer` names the other character allowed here, so the message lists both choices.
  const expect = (char: string, closer?: string): void => {
    if (text[i] === char) {
      i++;
      return;
    }
    const wanted = closer === undefined ? `'${char}'` : `'${char}' or '${closer}'`;
    fail(i < text.length ? `expected ${wanted} but found ${quoteChar(text, i)}` : `expected ${wanted} but the header ended`);
  };

  const parseString = (): string => {
    const start = i;
    expect('"');
    let out = '';
    for (;;) {
      PLAIN_RUN.lastIndex = i;
      PLAIN_RUN.test(text);
      out += text.slice(i, PLAIN_RUN.lastIndex);
      i = PLAIN_RUN.lastIndex;
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c !== '\\') fail(`control character U+${c.charCodeAt(0).toString(16).padStart(4, '0')} inside a string`);
      const e = text[i + 1];
      if (e === 'u') {
        const unit = hex4(i + 2);
        i += 6;
        if (unit >= 0xdc00 && unit <= 0xdfff) fail('lone low surrogate escape in a string', i - 6);
        if (unit >= 0xd800 && unit <= 0xdbff) {
          const low = text[i] === '\\' && text[i + 1] === 'u' ? hex4(i + 2) : -1;
          if (low < 0xdc00 || low > 0xdfff) fail('lone high surrogate escape in a string', i - 6);
          out += String.fromCharCode(unit, low);
          i += 6;
        } else out += String.fromCharCode(unit);
      } else if (e !== undefined && Object.hasOwn(ESCAPES, e)) {
        out += ESCAPES[e]!;
        i += 2;
      } else fail(`invalid escape '\\${e ?? ''}' in a string`);
    }
  };
  const hex4 = (at: number): number => {
    const digits = text.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) fail('invalid \\u escape in a string', at - 2);
    return parseInt(digits, 16);
  };

  const parseValue = (depth: number): JsonValue => {
    skipSpace();
    const at = i;
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth >= maxDepth) fail(`nested deeper than ${maxDepth} levels`);
      return c === '{' ? parseObject(depth + 1) : parseArray(depth + 1);
    }
    if (c === '"') return { kind: 'string', at, value: parseString() };
    for (const kind of ['true', 'false', 'null'] as const) {
      if (text.startsWith(kind, i)) {
        i += kind.length;
        return { kind, at };
      }
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return { kind: 'number', at, text: text.slice(at, i) };
    }
    return fail(i < text.length ? `unexpected ${quoteChar(text, i)}` : 'unexpected end of the header');
  };
  const parseObject = (depth: number): JsonObject => {
    const at = i;
    i++;
    const entries: JsonEntry[] = [];
    const seen = new Set<string>();
    skipSpace();
    if (text[i] === '}') {
      i++;
      return { kind: 'object', at, entries };
    }
    for (;;) {
      skipSpace();
      const keyAt = i;
      const key = parseString();
      if (seen.has(key)) fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      seen.add(key);
      skipSpace();
      expect(':');
      entries.push({ key, keyAt, value: parseValue(depth) });
      skipSpace();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', at, entries };
      }
      expect(',', '}');
    }
  };
  const parseArray = (depth: number): JsonArray => {
    const at = i;
    i++;
    const items: JsonValue[] = [];
    skipSpace();
    if (text[i] === ']') {
      i++;
      return { kind: 'array', at, items };
    }
    for (;;) {
      items.push(parseValue(depth));
      skipSpace();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', at, items };
      }
      expect(',', ']');
    }
  };

  const value = parseValue(0);
  skipSpace();
  if (i < text.length) fail(`unexpected ${quoteChar(text, i)} after the end of the JSON value`);
  return value;
}

function quoteChar(text: string, at: number): string {
  const c = String.fromCodePoint(text.codePointAt(at)!);
  return c >= ' ' && c !== '\u007f' ? `'${c}'` : `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
