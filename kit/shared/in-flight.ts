/**
 * Work on its way, by key: callers that ask for the same key while it runs share the one promise
 * (one store read, one download), and the next caller after it settles starts afresh, so a failure
 * is never kept. Holds only what is running, so it is bounded by the work in flight.
 */
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  /** The promise running for `key`, or the one `start` begins now. */
  share(key: string, start: () => Promise<T>): Promise<T> {
    const running = this.running.get(key);
    if (running !== undefined) return running;
    const started = start().finally(() => {
      // Only its own entry: one forgotten meanwhile may already have a successor under the key.
      if (this.running.get(key) === started) this.running.delete(key);
    });
    this.running.set(key, started);
    return started;
  }

  /** Lets the next caller for `key` start afresh, whatever is running now. */
  forget(key: string): void {
    this.running.delete(key);
  }

  /** Lets every next caller start afresh. */
  clear(): void {
    this.running.clear();
  }

  /** How many keys have work running. */
  get size(): number {
    return this.running.size;
  }
}
