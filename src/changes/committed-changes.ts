import { Injectable } from '@nestjs/common';

/**
 * In-process news that a change has committed (ChangeWriter announces each one). The
 * background lanes of this process listen: a change may have queued work for them (change
 * events to relay, a rebuild, a deletion), so they look at once instead of waiting out
 * their idle backoff.
 */
@Injectable()
export class CommittedChanges {
  private readonly listeners = new Set<() => void>();

  /** Returns the unsubscribe function. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(): void {
    for (const listener of this.listeners) listener();
  }
}
