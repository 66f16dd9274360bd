import type { Spread } from '../measure/run-sample.js';

/** `12,345` or `0.84`: thousands separated, `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Digits that suit a latency or a CPU time: 2 below 10, 1 below 100, else none. */
export function autoDigits(value: number): number {
  const magnitude = Math.abs(value);
  return magnitude < 10 ? 2 : magnitude < 100 ? 1 : 0;
}

/** A median with its min-max when there were several repetitions: `5,270 (5,102–5,391)`. */
export function spreadCell(value: Spread | undefined, digits?: number): string {
  if (value === undefined) return '–';
  const d = digits ?? autoDigits(value.median);
  if (value.min === value.max) return num(value.median, d);
  return `${num(value.median, d)} (${num(value.min, d)}–${num(value.max, d)})`;
}

/** A signed difference, `+0.31` / `-0.05`. */
export function signed(value: number, digits?: number): string {
  const d = digits ?? autoDigits(value);
  return `${value >= 0 ? '+' : ''}${num(value, d)}`;
}

/** A markdown table. Pipes in cells are escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const escape = (cell: string): string => cell.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(escape).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
