import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPaths } from '../repo-paths.js';
import { medianNsPerCall, readEveryCharacter } from './micro-timing.js';

// Micro-benchmark of PII redaction (src/safety/pii/, compiled in dist/): the cost per KiB of
// input of `PiiScanner.redact` with every type on and with the corpus's common four (email,
// phone, ssn, credit_card), on prose without PII, on prose with a value every ~200 characters,
// and streamed in deltas of ~20 characters; against the floor (reading each character once)
// in the same run. Run:
//
//   npm run bench:build && node bench/.build/micro/pii-redaction.js

interface Scanner {
  redact(text: string): { text: string; found: number };
  stream(): { push(chunk: string): string; flush(): string };
}
interface ScannerModule {
  PiiScanner: { build(types: Iterable<string>): Scanner };
}
interface TypesModule {
  PII_TYPES: readonly string[];
}

const { root } = repoPaths();
const { PiiScanner } = (await import(pathToFileURL(join(root, 'dist', 'safety', 'pii', 'pii-scanner.js')).href)) as ScannerModule;
const { PII_TYPES } = (await import(pathToFileURL(join(root, 'dist', 'safety', 'pii', 'pii-type.js')).href)) as TypesModule;

/** A support conversation of `chars` characters: words, numbers, dates, versions, no PII. */
function prose(chars: number): string {
  const words = 'the order 4471 left on 2024-01-15 at 10:30 and version 1.2.3 of the app says it should arrive by Thursday so please wait'.split(' ');
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${words[i % words.length]} `;
  return text.slice(0, chars);
}

/** The same prose with a value (e-mail, phone, card, SSN in turn) every ~200 characters. */
function withPii(chars: number): string {
  const values = ['ada.lovelace@example.com', '+44 20 7946 0958', '4111 1111 1111 1111', '123-45-6789'];
  let text = '';
  for (let i = 0; text.length < chars; i++) text += `${prose(180)} ${values[i % values.length]} `;
  return text.slice(0, chars);
}

const KIB = 1024;
const rows: string[] = [];
const row = (what: string, ns: number, chars: number): void => {
  rows.push(`| ${what} | ${((ns / chars) * KIB / 1000).toFixed(1)} | ${((chars / ns) * 1000).toFixed(0)} |`);
};

const sets: [string, readonly string[]][] = [['all 7 types', PII_TYPES], ['email, phone, ssn, credit_card', ['email', 'phone', 'ssn', 'credit_card']]];
for (const size of [KIB, 64 * KIB]) {
  const clean = prose(size);
  const dirty = withPii(size);
  const calls = size > KIB ? 30 : 2_000;
  row(`${size / KIB} KiB: reading each character once (the floor)`, medianNsPerCall(() => readEveryCharacter(clean), calls), size);
  for (const [name, types] of sets) {
    const scanner = PiiScanner.build(types);
    row(`${size / KIB} KiB, no PII, ${name}`, medianNsPerCall(() => scanner.redact(clean), calls), size);
    row(`${size / KIB} KiB, a value every ~200 chars, ${name}`, medianNsPerCall(() => scanner.redact(dirty), calls), size);
  }
}
const deltas = Array.from({ length: 5_000 }, (_, i) => withPii(400).slice((i * 20) % 380, ((i * 20) % 380) + 20));
const chars = deltas.reduce((sum, d) => sum + d.length, 0);
for (const [name, types] of sets) {
  const scanner = PiiScanner.build(types);
  row(`stream of 5,000 deltas of 20 chars (values split across them), ${name}`, medianNsPerCall(() => {
    const stream = scanner.stream();
    for (const delta of deltas) stream.push(delta);
    stream.flush();
  }, 3), chars);
}

console.log('command: npm run bench:build && node bench/.build/micro/pii-redaction.js');
console.log(`node ${process.version}, ${new Date().toISOString()}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| case | µs per KiB | MB/s (chars) |');
console.log('|---|---|---|');
for (const line of rows) console.log(line);
