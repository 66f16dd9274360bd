import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPaths } from '../repo-paths.js';
import { medianNsPerCall, readEveryCharacter } from './micro-timing.js';

// Micro-benchmark of the secret redaction every upstream answer goes through
// (src/secrets/secret-scanner.ts, compiled in dist/), against the obvious way in the same run:
// fold the text, then one `includes` per secret. Run:
//
//   npm run bench:build && node bench/.build/micro/secret-scanner.js
//
// It prints ns per character and MB/s for texts with and without a secret, for 10 and 100
// secrets, the streamed case (deltas of 20 characters), and the cost of building the automaton.

interface Scanner {
  redact(text: string): string;
  stream(): { push(chunk: string): string; flush(): string };
}
interface ScannerModule {
  SecretScanner: { build(secrets: Iterable<string>): Scanner };
}

const { root } = repoPaths();
const { SecretScanner } = (await import(pathToFileURL(join(root, 'dist', 'secrets', 'secret-scanner.js')).href)) as ScannerModule;

/** `n` secrets shaped like real ones: vendor prefixes, 40 random characters. */
function secrets(n: number): string[] {
  const prefixes = ['sk-ant-api03-', 'sk-proj-', 'ossa-client-', 'ossa-admin-', 'ossa-metrics-'];
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return Array.from({ length: n }, (_, i) => prefixes[i % prefixes.length] + Array.from({ length: 40 }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
}

/** English-looking model output of `chars` characters, mentioning key-like words but no key. */
function prose(chars: number): string {
  const words = 'the model answered with a long explanation of sk-ant keys ossa-client settings and what to do next'.split(' ');
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${words[i % words.length]} `;
  return text.slice(0, chars);
}

/** The obvious redaction: fold the text once, look for each folded secret. */
function naive(folded: readonly string[]): (text: string) => string {
  return (text) => {
    const haystack = text.toLowerCase().replace(/-/g, '_');
    for (const secret of folded) if (haystack.includes(secret)) return text.replace(/./g, '*');
    return text;
  };
}

const rows: string[] = [];
const row = (what: string, ns: number, chars: number): void => {
  rows.push(`| ${what} | ${(ns / chars).toFixed(2)} | ${((chars / ns) * 1000).toFixed(0)} |`);
};

for (const count of [10, 100]) {
  const known = secrets(count);
  const scanner = SecretScanner.build(known);
  const baseline = naive(known.map((s) => s.toLowerCase().replace(/-/g, '_')));
  for (const size of [1_000, 1_000_000]) {
    const clean = prose(size);
    const dirty = `${clean.slice(0, size / 2)}${known[count - 1]!.toUpperCase()}${clean.slice(size / 2)}`;
    const calls = size >= 1_000_000 ? 3 : 3_000;
    if (count === 10) row(`${size.toLocaleString('en')} chars: reading each character once (the floor)`, medianNsPerCall(() => readEveryCharacter(clean), calls), size);
    row(`${count} secrets, ${size.toLocaleString('en')} chars, no secret: automaton`, medianNsPerCall(() => scanner.redact(clean), calls), size);
    row(`${count} secrets, ${size.toLocaleString('en')} chars, no secret: fold + includes per secret (baseline)`, medianNsPerCall(() => baseline(clean), calls), size);
    row(`${count} secrets, ${size.toLocaleString('en')} chars, one secret upper-cased: automaton`, medianNsPerCall(() => scanner.redact(dirty), calls), dirty.length);
  }
  const deltas = Array.from({ length: 10_000 }, (_, i) => prose(20 + (i % 7)));
  const chars = deltas.reduce((sum, d) => sum + d.length, 0);
  row(`${count} secrets, a stream of 10,000 deltas of ~20 chars: automaton`, medianNsPerCall(() => {
    const stream = scanner.stream();
    for (const delta of deltas) stream.push(delta);
    stream.flush();
  }, 3), chars);
  const buildNs = medianNsPerCall(() => SecretScanner.build(known), 20, 5);
  rows.push(`| ${count} secrets: building the automaton | ${(buildNs / 1000).toFixed(0)} µs per build | |`);
}

console.log('command: npm run bench:build && node bench/.build/micro/secret-scanner.js');
console.log(`node ${process.version}, ${new Date().toISOString()}`);
console.log('| case | ns per char | MB/s (chars) |');
console.log('|---|---|---|');
for (const line of rows) console.log(line);
