export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toLocaleString('en');
}

export function formatRate(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(1);
}

/** A catch-up ETA: "now", "42 s", "3 min 5 s", "2 h 10 min"; "—" when not gaining. */
export function formatEta(seconds: number | null | undefined, lag: number | null | undefined): string {
  if (lag === 0) return 'caught up';
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${total % 60} s`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}
