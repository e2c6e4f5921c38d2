/** A FIFO counting semaphore: waiters get permits in arrival order, which keeps delivery order per queue. */
export class Semaphore {
  private readonly waiters: (() => void)[] = [];

  constructor(private permits: number) {}

  acquire(): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.permits++;
  }
}
