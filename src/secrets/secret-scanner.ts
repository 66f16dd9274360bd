/** What a known secret is replaced with wherever it is found (the logger's censor too). */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not searched for: redacting every occurrence of a 4-character
 * key would mangle ordinary text, and a key that short is refused in prod anyway.
 */
export const MIN_REDACTED_LENGTH = 8;

/** A text read in pieces (a streamed answer): what can be let through now, the rest held back. */
export interface StreamRedactor {
  /** The redacted text that can go out now; a tail that may be the start of a secret is held. */
  push(chunk: string): string;
  /** The held tail, redacted: call it when the text is complete. */
  flush(): string;
}

/** A redaction interval, inclusive, in the text being scanned. */
interface Span {
  start: number;
  end: number;
}

/**
 * One Aho-Corasick automaton over every secret the gateway holds, compiled to a dense
 * transition table: one pass over a text finds every occurrence of any of them, whatever
 * their number, at two table lookups per character. Matching is exact, ASCII case-insensitive,
 * and treats `-` and `_` as one character, so an upstream that echoes `sk_ant_API03_...` for
 * `sk-ant-api03-...` is caught too (the fold costs nothing: both cases map to one symbol).
 *
 * @example
 * const scanner = SecretScanner.build(['sk-ant-api03-abcdefgh']);
 * scanner.redact('key: SK_ANT_API03_ABCDEFGH.'); // 'key: [redacted].'
 */
export class SecretScanner {
  /** How many distinct (folded) secrets it searches for. */
  readonly size: number;
  /** Symbol of each ASCII character, 0 for one that occurs in no secret. */
  readonly #ascii: Uint16Array;
  /** Symbols of the non-ASCII characters that occur in a secret. */
  readonly #other: ReadonlyMap<number, number>;
  /** Symbols per state (the alphabet plus the symbol 0). */
  readonly #width: number;
  /**
   * One row of `width` cells per state; a state is the offset of its row. `#table[state + symbol]`
   * is the next state; cell 0 of a row (symbol 0 always leads to the root, so it is free)
   * holds the length of the longest secret ending in that state, 0 for none: one array, one
   * lookup for both per character.
   */
  readonly #table: Int32Array;
  /** Characters of the current partial match, by state index: the tail a stream must hold back. */
  readonly #depth: Int32Array;

  private constructor(parts: { size: number; ascii: Uint16Array; other: Map<number, number>; width: number; table: Int32Array; depth: Int32Array }) {
    this.size = parts.size;
    this.#ascii = parts.ascii;
    this.#other = parts.other;
    this.#width = parts.width;
    this.#table = parts.table;
    this.#depth = parts.depth;
  }

  /** The automaton over `secrets` (those shorter than `MIN_REDACTED_LENGTH` are left out). */
  static build(secrets: Iterable<string>): SecretScanner {
    const ascii = new Uint16Array(128);
    const other = new Map<number, number>();
    let symbols = 0;
    const symbolOf = (code: number): number => {
      const folded = fold(code);
      if (folded < 128) {
        if (ascii[folded] === 0) {
          ascii[folded] = ++symbols;
          // Both cases, and both of `-` / `_`, read as the one symbol.
          if (folded >= 97 && folded <= 122) ascii[folded - 32] = symbols;
          if (folded === 95) ascii[45] = symbols;
        }
        return ascii[folded]!;
      }
      let symbol = other.get(folded);
      if (symbol === undefined) other.set(folded, (symbol = ++symbols));
      return symbol;
    };

    // The trie, with Maps while it grows.
    const children: Map<number, number>[] = [new Map()];
    const terminal: number[] = [0];
    const depth: number[] = [0];
    const seen = new Set<string>();
    for (const secret of secrets) {
      if (secret.length < MIN_REDACTED_LENGTH) continue;
      const key = foldedKey(secret);
      if (seen.has(key)) continue;
      seen.add(key);
      let state = 0;
      for (let i = 0; i < secret.length; i++) {
        const symbol = symbolOf(secret.charCodeAt(i));
        let child = children[state]!.get(symbol);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          terminal.push(0);
          depth.push(depth[state]! + 1);
          children[state]!.set(symbol, child);
        }
        state = child;
      }
      terminal[state] = secret.length;
    }

    // Breadth first: each state's transitions are its children, else its failure state's.
    const width = symbols + 1;
    const states = children.length;
    const next = new Int32Array(states * width);
    const match = new Int32Array(states);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (const [symbol, child] of children[0]!) {
      next[symbol] = child;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      // The longest secret ending here is this state's own, else its failure state's.
      match[state] = terminal[state]! > 0 ? terminal[state]! : match[fail[state]!]!;
      const row = state * width;
      const failRow = fail[state]! * width;
      for (let symbol = 1; symbol < width; symbol++) {
        const child = children[state]!.get(symbol);
        if (child === undefined) {
          next[row + symbol] = next[failRow + symbol]!;
        } else {
          next[row + symbol] = child;
          fail[child] = next[failRow + symbol]!;
          queue.push(child);
        }
      }
    }
    // Rows addressed by offset, the match length in each row's free cell 0.
    const table = new Int32Array(states * width);
    for (let state = 0; state < states; state++) {
      const row = state * width;
      table[row] = match[state]!;
      for (let symbol = 1; symbol < width; symbol++) table[row + symbol] = next[row + symbol]! * width;
    }
    return new SecretScanner({ size: seen.size, ascii, other, width, table, depth: Int32Array.from(depth) });
  }

  /** True when `text` holds a known secret (in any case, with `-` and `_` exchanged). */
  contains(text: string): boolean {
    if (this.size === 0) return false;
    const table = this.#table;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      state = this.#step(state, text.charCodeAt(i));
      if (table[state]! > 0) return true;
    }
    return false;
  }

  /** `text` with every known secret replaced by `[redacted]`; the same string when it holds none. */
  redact(text: string): string {
    if (this.size === 0) return text;
    const spans = this.#scan(text, 0, 0, []).spans;
    return spans.length === 0 ? text : render(text, 0, text.length, spans);
  }

  /** A redactor for a text that arrives in pieces (see `StreamRedactor`). */
  stream(): StreamRedactor {
    if (this.size === 0) return PASS_THROUGH;
    return new ScannerStream((text, from, state, spans) => this.#scan(text, from, state, spans), (state) => this.#depth[state / this.#width]!);
  }

  /** Scans `text` from `from` in `state`; spans are merged into `spans` (sorted, disjoint). */
  #scan(text: string, from: number, state: number, spans: Span[]): { state: number; spans: Span[] } {
    // The hot loop: locals, no calls, one typed-array lookup for the symbol and one for the state.
    const table = this.#table;
    const ascii = this.#ascii;
    const other = this.#other;
    const end = text.length;
    for (let i = from; i < end; i++) {
      const code = text.charCodeAt(i);
      const symbol = code < 128 ? ascii[code]! : other.size === 0 ? 0 : (other.get(fold(code)) ?? 0);
      // Symbol 0 (a character in no secret) leads back to the root from every state.
      state = symbol === 0 ? 0 : table[state + symbol]!;
      const length = table[state]!;
      if (length > 0) addSpan(spans, i - length + 1, i);
    }
    return { state, spans };
  }

  #step(state: number, code: number): number {
    const symbol = code < 128 ? this.#ascii[code]! : (this.#other.get(fold(code)) ?? 0);
    return symbol === 0 ? 0 : this.#table[state + symbol]!;
  }
}

type Scan = (text: string, from: number, state: number, spans: Span[]) => { state: number; spans: Span[] };

/** Holds back the tail that may be the beginning of a secret, never more. */
class ScannerStream implements StreamRedactor {
  readonly #scan: Scan;
  /** Characters of the partial match in a state. */
  readonly #depthOf: (state: number) => number;
  #state = 0;
  #held = '';
  /** Spans inside `#held`, already found. */
  #spans: Span[] = [];

  constructor(scan: Scan, depthOf: (state: number) => number) {
    this.#scan = scan;
    this.#depthOf = depthOf;
  }

  push(chunk: string): string {
    if (chunk === '') return '';
    const text = this.#held + chunk;
    const scanned = this.#scan(text, this.#held.length, this.#state, this.#spans);
    this.#state = scanned.state;
    const spans = scanned.spans;
    // Everything before the partial match can go; a found secret that reaches past that point
    // goes out whole (redacted), so what is held is never part of an emitted secret.
    let cut = Math.max(0, text.length - this.#depthOf(this.#state));
    for (const span of spans) if (span.start < cut && span.end >= cut) cut = span.end + 1;
    const out = render(text, 0, cut, spans);
    this.#held = text.slice(cut);
    this.#spans = spans.filter((span) => span.end >= cut).map((span) => ({ start: Math.max(0, span.start - cut), end: span.end - cut }));
    return out;
  }

  flush(): string {
    const out = render(this.#held, 0, this.#held.length, this.#spans);
    this.#held = '';
    this.#spans = [];
    this.#state = 0;
    return out;
  }
}

const PASS_THROUGH: StreamRedactor = { push: (chunk) => chunk, flush: () => '' };

/** Adds [start, end] to sorted disjoint spans; spans arrive by increasing end. */
function addSpan(spans: Span[], start: number, end: number): void {
  while (spans.length > 0 && spans[spans.length - 1]!.end >= start) start = Math.min(start, spans.pop()!.start);
  spans.push({ start, end });
}

/** `text[from, to)` with each span (clipped to the range) replaced by `[redacted]`. */
function render(text: string, from: number, to: number, spans: readonly Span[]): string {
  let out = '';
  let at = from;
  for (const span of spans) {
    if (span.start >= to) break;
    if (span.end < at) continue;
    if (span.start > at) out += text.slice(at, span.start);
    out += REDACTED;
    at = span.end + 1;
  }
  if (at < to) out += text.slice(at, to);
  return out;
}

/** Upper-case ASCII to lower case, `-` to `_`: the fold both secrets and texts are read with. */
function fold(code: number): number {
  if (code >= 65 && code <= 90) return code + 32;
  return code === 45 ? 95 : code;
}

function foldedKey(secret: string): string {
  let key = '';
  for (let i = 0; i < secret.length; i++) key += String.fromCharCode(fold(secret.charCodeAt(i)));
  return key;
}
