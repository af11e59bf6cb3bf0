// Read-your-writes: every write answers with the position of its last event
// (`topic:partition:offset`). The board sends the positions of this tab's
// writes as X-Consistency-Token, so the query API waits until its projection
// has passed them. One position per topic and partition is enough: a read
// past the highest offset is past the lower ones too.

const MAX_POSITIONS = 64; // the query API's limit for one token

export class PositionBook {
  private readonly highest = new Map<string, number>();

  record(token: string | null | undefined): void {
    if (!token) return;
    for (const position of token.split(',')) {
      const parsed = parsePosition(position.trim());
      if (!parsed) continue;
      const known = this.highest.get(parsed.key);
      if (known === undefined || parsed.offset > known) {
        this.highest.delete(parsed.key);
        this.highest.set(parsed.key, parsed.offset);
      }
    }
    // Keep the most recently written partitions when there are too many.
    while (this.highest.size > MAX_POSITIONS) {
      const oldest = this.highest.keys().next().value;
      if (oldest === undefined) break;
      this.highest.delete(oldest);
    }
  }

  /** The X-Consistency-Token to send, or null before any write. */
  token(): string | null {
    if (this.highest.size === 0) return null;
    return [...this.highest].map(([key, offset]) => `${key}:${offset}`).join(',');
  }
}

function parsePosition(text: string): { key: string; offset: number } | null {
  const match = /^(.+):(\d+):(\d+)$/.exec(text);
  if (!match) return null;
  return { key: `${match[1]}:${match[2]}`, offset: Number(match[3]) };
}
