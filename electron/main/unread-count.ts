/**
 * Messages that arrived while the person was away from the window. The count is a property of
 * the shell (tray tooltip, dock badge), not of the conversations, so it resets when the window
 * gains focus or the page marks a conversation read; the renderer keeps its own
 * per-conversation read state.
 */
export class UnreadCount {
  private count = 0;

  constructor(private readonly onChange: (count: number) => void) {}

  get value(): number {
    return this.count;
  }

  add(): void {
    this.count += 1;
    this.onChange(this.count);
  }

  clear(): void {
    if (this.count === 0) return;
    this.count = 0;
    this.onChange(0);
  }
}
