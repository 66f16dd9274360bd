/**
 * The timing loop of the micro-benchmarks: the median ns per call of `fn`, over `rounds`
 * rounds of `calls` calls (the median, so one GC pause or a neighbour's burst does not decide).
 */
export function medianNsPerCall(fn: () => unknown, calls: number, rounds = 15): number {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) fn();
    samples.push(Number(process.hrtime.bigint() - started) / calls);
  }
  return samples.sort((a, b) => a - b)[Math.floor(rounds / 2)]!;
}

/** The floor a text scanner is compared with: reading every character once, doing nothing with it. */
export function readEveryCharacter(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum += text.charCodeAt(i);
  return sum;
}
