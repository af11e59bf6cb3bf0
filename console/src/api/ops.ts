// The operations endpoints: the projector's projection versions and parked
// events, the command API's instances. All need the ops:admin scope.

import { call } from './http';

export type VersionState = 'live' | 'building' | 'standby' | 'stopped' | 'parked';

export interface PartitionStatus {
  topic: string;
  partition: number;
  checkpoint: number | null;
  high_watermark: number | null;
  lag: number | null;
}

export interface VersionStatus {
  projection: string;
  name: string;
  kind: 'projection' | 'process_manager';
  version: number;
  role: 'live' | 'building' | 'standby' | 'dropped';
  state: VersionState;
  serving: boolean;
  topics: string[];
  consumers: number | null;
  parked_events: number;
  pending_commands: number | null;
  lag: number | null;
  events_per_second: number | null;
  catch_up_seconds: number | null;
  partitions: PartitionStatus[];
}

/** A worker that started after the last status snapshot has only this. */
export interface UnknownVersion {
  projection: string;
  name?: undefined;
}

export interface ProjectionsReply {
  taken_at: string | null;
  projections: (VersionStatus | UnknownVersion)[];
}

export function isKnown(entry: VersionStatus | UnknownVersion): entry is VersionStatus {
  return typeof entry.name === 'string';
}

export async function listProjections(
  projector: string,
  token: string | null,
  signal?: AbortSignal,
): Promise<ProjectionsReply> {
  return (await call<ProjectionsReply>(`${projector}/v1/projections`, { token, signal })).body;
}

export interface RebuildStarted {
  name: string;
  version: number;
  live: number | null;
}

export async function rebuild(projector: string, token: string | null, name: string) {
  const url = `${projector}/v1/projections/${encodeURIComponent(name)}/rebuild`;
  return (await call<RebuildStarted>(url, { method: 'POST', token })).body;
}

export async function rollback(projector: string, token: string | null, name: string) {
  const url = `${projector}/v1/projections/${encodeURIComponent(name)}/rollback`;
  return (await call<unknown>(url, { method: 'POST', token })).body;
}

export async function dropVersion(
  projector: string,
  token: string | null,
  name: string,
  version: number,
  force: boolean,
) {
  const url = `${projector}/v1/projections/${encodeURIComponent(name)}/versions/${version}/drop${force ? '?force=true' : ''}`;
  return (await call<unknown>(url, { method: 'POST', token })).body;
}

export interface ParkedEvent {
  id: number;
  projection: string;
  topic: string;
  partition: number;
  offset: number;
  stream_id: string | null;
  error: string;
  headers: unknown;
  parked_at: string;
  status: string;
  skipped_by: string | null;
  skip_reason: string | null;
  resolved_at: string | null;
  payload: unknown;
}

export async function listParked(
  projector: string,
  token: string | null,
  signal?: AbortSignal,
): Promise<ParkedEvent[]> {
  const url = `${projector}/v1/parked?status=parked`;
  return (await call<{ parked: ParkedEvent[] }>(url, { token, signal })).body.parked;
}

export interface ResolveOutcome {
  projection: string;
  stream_id: string | null;
  skipped: unknown;
  applied: number[];
  still_parked: { id: number; offset: number; error: string } | null;
  waiting: number;
}

export async function retryParked(projector: string, token: string | null, id: number) {
  const url = `${projector}/v1/parked/${id}/retry`;
  return (await call<ResolveOutcome>(url, { method: 'POST', token })).body;
}

export async function skipParked(
  projector: string,
  token: string | null,
  id: number,
  by: string,
  reason: string,
) {
  const url = `${projector}/v1/parked/${id}/skip`;
  return (await call<ResolveOutcome>(url, { method: 'POST', token, body: { by, reason } })).body;
}

export interface Instance {
  url: string;
  partitions: Record<string, number[]>;
}

export async function listInstances(
  commandApi: string,
  token: string | null,
  signal?: AbortSignal,
): Promise<Instance[]> {
  const url = `${commandApi}/v1/instances`;
  return (await call<{ instances: Instance[] }>(url, { token, signal })).body.instances;
}
