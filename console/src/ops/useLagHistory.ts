// The lag chart's data: the projector keeps no history, so the console keeps
// the lag of every version from each poll, for the last few minutes.

import { useState } from 'react';
import { isKnown, type ProjectionsReply } from '../api/ops';

export const HISTORY_WINDOW_MS = 5 * 60_000;

export interface LagSample {
  at: number;
  lag: number;
}

export type LagHistory = Record<string, LagSample[]>;

export function useLagHistory(reply: ProjectionsReply | undefined): LagHistory {
  const [history, setHistory] = useState<LagHistory>({});
  const [seen, setSeen] = useState<string | null>(null);
  const takenAt = reply?.taken_at ?? null;

  // A new snapshot (a new taken_at) adds one sample per version; a poll that
  // returns the same snapshot adds nothing. Updated while rendering, as React
  // recommends for state derived from a changing prop.
  if (reply && takenAt && takenAt !== seen) {
    setSeen(takenAt);
    setHistory(withSamples(history, reply, Date.parse(takenAt)));
  }
  return history;
}

function withSamples(previous: LagHistory, reply: ProjectionsReply, at: number): LagHistory {
  const next: LagHistory = {};
  for (const entry of reply.projections) {
    if (!isKnown(entry)) continue;
    const samples = (previous[entry.projection] ?? []).filter(
      (sample) => sample.at > at - HISTORY_WINDOW_MS && sample.at < at,
    );
    if (entry.lag !== null) samples.push({ at, lag: entry.lag });
    next[entry.projection] = samples;
  }
  return next;
}
