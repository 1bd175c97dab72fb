/**
 * Requests started before anyone asks for their answer, each taken once.
 *
 * A screen that needs two answers where the second is drawn by a child element
 * would otherwise ask for them one after the other: the pool view starts its
 * investors' first page beside the pool itself, and the investors panel takes
 * that answer when it draws. A request nobody takes is dropped on the next start.
 */
export class Prefetch<T> {
  private readonly held = new Map<string, Promise<T>>();

  /** Start ``load`` for ``key`` unless it is already on its way; keeps at most ``max`` waiting. */
  start(key: string, load: () => Promise<T>, max = 4): void {
    if (this.held.has(key)) return;
    const answer = load();
    answer.catch(() => undefined); // a failure is the taker's to report, never an unhandled rejection
    this.held.set(key, answer);
    while (this.held.size > max) this.held.delete(this.held.keys().next().value as string);
  }

  /** The answer started for ``key``, once: a second take (a reload) asks afresh. */
  take(key: string): Promise<T> | undefined {
    const answer = this.held.get(key);
    this.held.delete(key);
    return answer;
  }
}
