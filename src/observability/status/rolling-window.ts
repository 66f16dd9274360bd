/** A slot of a rolling window: the counters of one second, cleared for reuse. */
export interface WindowSlot {
  /** Called when the slot is reused for a new second. */
  clear(): void;
}

/**
 * The last `seconds` seconds as a ring of one slot per second: writing finds the current
 * second's slot (clearing it when it still holds an older second), reading visits the slots
 * of the seconds still inside the window. Memory is fixed; nothing is allocated per event.
 * The clock is injected so tests can move time without sleeping.
 */
export class RollingWindow<S extends WindowSlot> {
  private readonly slots: S[];
  private readonly stamps: Float64Array;

  constructor(
    readonly seconds: number,
    create: () => S,
    private readonly now: () => number,
  ) {
    this.slots = Array.from({ length: seconds }, create);
    this.stamps = new Float64Array(seconds).fill(-1);
  }

  /** The slot of the current second. */
  current(): S {
    const second = Math.floor(this.now() / 1000);
    const index = second % this.seconds;
    const slot = this.slots[index]!;
    if (this.stamps[index] !== second) {
      slot.clear();
      this.stamps[index] = second;
    }
    return slot;
  }

  /**
   * Visits the slots of the last `span` seconds (default: the whole window), oldest first,
   * with the slot's age in seconds (0 = the current second). Seconds nothing was written in
   * are visited as `undefined`, so series keep one point per second.
   */
  forEach(visit: (slot: S | undefined, age: number) => void, span = this.seconds): void {
    const second = Math.floor(this.now() / 1000);
    for (let age = Math.min(span, this.seconds) - 1; age >= 0; age--) {
      const index = (second - age) % this.seconds;
      visit(this.stamps[index] === second - age ? this.slots[index] : undefined, age);
    }
  }
}
