import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('makes one call for concurrent callers of one key, and tells them apart', async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    let calls = 0;
    const call = () => {
      calls++;
      return gate.promise;
    };
    const results = Promise.all([flights.run('k', undefined, call), flights.run('k', undefined, call), flights.run('k', undefined, call)]);
    const other = flights.run('other', undefined, async () => 'other value');
    gate.resolve('value');
    expect(await results).toEqual([
      { value: 'value', joined: false },
      { value: 'value', joined: true },
      { value: 'value', joined: true },
    ]);
    expect(await other).toEqual({ value: 'other value', joined: false });
    expect(calls).toBe(1);
    expect(flights.size).toBe(0);
    // Once finished, the next caller starts a new call.
    await flights.run('k', undefined, async () => 'again');
    expect(calls).toBe(1);
  });

  it("gives every waiter the call's error", async () => {
    const flights = new SingleFlight<string>();
    const gate = deferred<string>();
    const a = flights.run('k', undefined, () => gate.promise);
    const b = flights.run('k', undefined, () => gate.promise);
    gate.reject(new Error('upstream down'));
    await expect(a).rejects.toThrow('upstream down');
    await expect(b).rejects.toThrow('upstream down');
  });

  it('keeps the call going while one waiter remains, and aborts it when the last one leaves', async () => {
    const flights = new SingleFlight<string>();
    let callSignal: AbortSignal | undefined;
    const gate = deferred<string>();
    const first = new AbortController();
    const second = new AbortController();
    const a = flights.run('k', first.signal, (signal) => {
      callSignal = signal();
      return gate.promise;
    });
    const b = flights.run('k', second.signal, () => gate.promise);
    await Promise.resolve();
    first.abort(new Error('client 1 left'));
    await expect(a).rejects.toThrow('client 1 left');
    expect(callSignal!.aborted).toBe(false);
    gate.resolve('for client 2');
    expect(await b).toEqual({ value: 'for client 2', joined: true });

    const lonely = new AbortController();
    let lonelySignal: AbortSignal | undefined;
    let askLater: (() => AbortSignal) | undefined;
    const c = flights.run('k2', lonely.signal, (signal) => {
      lonelySignal = signal();
      askLater = signal;
      return new Promise<string>(() => undefined);
    });
    await Promise.resolve();
    lonely.abort(new Error('gone'));
    await expect(c).rejects.toThrow('gone');
    expect(lonelySignal!.aborted).toBe(true);
    expect(askLater!().aborted).toBe(true);

    // A call that asks for its signal only after every caller left gets it already aborted.
    const late = new AbortController();
    let lateSignal: (() => AbortSignal) | undefined;
    const d = flights.run('k3', late.signal, (signal) => {
      lateSignal = signal;
      return new Promise<string>(() => undefined);
    });
    await Promise.resolve();
    late.abort(new Error('left early'));
    await expect(d).rejects.toThrow('left early');
    expect(lateSignal!().aborted).toBe(true);
    expect(lateSignal!().reason).toEqual(new Error('left early'));
    // The cancelled call is not joined by the next caller.
    expect(await flights.run('k2', undefined, async () => 'fresh')).toEqual({ value: 'fresh', joined: false });
  });
});
