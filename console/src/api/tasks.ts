// The tasks as the query API serves them, and the commands the command API
// takes for them (its OpenAPI document at GET /openapi.json has the bodies).

import { call, type Reply } from './http';

export type TaskStatus = 'open' | 'completed' | 'archived';
export const TASK_STATUSES: TaskStatus[] = ['open', 'completed', 'archived'];
export type Priority = 'low' | 'normal' | 'high' | 'urgent';
export const PRIORITIES: Priority[] = ['low', 'normal', 'high', 'urgent'];

export interface Task {
  task_id: string;
  title: string;
  description: string | null;
  priority: Priority;
  due_date: string | null;
  assignee: string | null;
  tags: string[];
  status: TaskStatus;
  version: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  project_id: string | null;
}

export interface TaskPage {
  items: Task[];
  next_cursor: string | null;
  limit: number;
}

export interface HistoryEntry {
  event_id: string;
  version: number;
  event_type: string;
  data: unknown;
  occurred_at: string;
  actor: string;
  partition: number;
  offset: number;
}

export interface HistoryPage {
  task_id: string;
  items: HistoryEntry[];
  next_cursor: string | null;
}

export interface Project {
  project_id: string;
  name: string;
  status: string;
}

export interface TaskFilters {
  project_id: string;
  assignee: string;
  tag: string;
  q: string;
}

export const NO_FILTERS: TaskFilters = { project_id: '', assignee: '', tag: '', q: '' };

/** What a read says about its freshness (the X-Consistency header). */
export type Freshness = 'consistent' | 'stale' | 'parked' | null;

export interface Read<T> {
  body: T;
  freshness: Freshness;
}

export interface WriteResult {
  task_id: string;
  version: number;
  position: string | null;
}

function freshnessOf(reply: Reply<unknown>): Freshness {
  const value = reply.headers.get('x-consistency');
  return value === 'consistent' || value === 'stale' || value === 'parked' ? value : null;
}

function consistencyHeaders(positions: string | null): Record<string, string> {
  return positions ? { 'x-consistency-token': positions } : {};
}

export async function listTasks(
  queryApi: string,
  token: string | null,
  status: TaskStatus,
  filters: TaskFilters,
  positions: string | null,
  signal?: AbortSignal,
): Promise<Read<TaskPage>> {
  const params = new URLSearchParams({ status, limit: '200' });
  for (const key of ['project_id', 'assignee', 'tag', 'q'] as const) {
    const value = filters[key].trim();
    if (value) params.set(key, value);
  }
  const reply = await call<TaskPage>(`${queryApi}/v1/tasks?${params}`, {
    token,
    signal,
    headers: consistencyHeaders(positions),
  });
  return { body: reply.body, freshness: freshnessOf(reply) };
}

export async function taskHistory(
  queryApi: string,
  token: string | null,
  taskId: string,
  positions: string | null,
  signal?: AbortSignal,
): Promise<Read<HistoryPage>> {
  const reply = await call<HistoryPage>(
    `${queryApi}/v1/tasks/${encodeURIComponent(taskId)}/history?limit=200`,
    { token, signal, headers: consistencyHeaders(positions) },
  );
  return { body: reply.body, freshness: freshnessOf(reply) };
}

export async function listProjects(
  queryApi: string,
  token: string | null,
  signal?: AbortSignal,
): Promise<Project[]> {
  const reply = await call<{ items: Project[] }>(`${queryApi}/v1/projects?limit=200`, {
    token,
    signal,
  });
  return reply.body.items;
}

export interface CreateTaskBody {
  title: string;
  priority?: Priority;
  assignee?: string;
  tags?: string[];
  project_id?: string;
}

export async function createTask(
  commandApi: string,
  token: string | null,
  body: CreateTaskBody,
  idempotencyKey: string,
): Promise<WriteResult> {
  const reply = await call<WriteResult>(`${commandApi}/v1/tasks`, {
    method: 'POST',
    token,
    body,
    headers: { 'idempotency-key': idempotencyKey },
  });
  return reply.body;
}

/** A command on an existing task; the body its command takes, or none. */
export type TaskCommand =
  | { command: 'rename'; title: string }
  | { command: 'assign'; assignee: string }
  | { command: 'unassign' }
  | { command: 'add-tag'; tag: string }
  | { command: 'remove-tag'; tag: string }
  | { command: 'change-priority'; priority: Priority }
  | { command: 'complete' }
  | { command: 'reopen' }
  | { command: 'archive' };

export async function runCommand(
  commandApi: string,
  token: string | null,
  taskId: string,
  expectedVersion: number,
  command: TaskCommand,
  idempotencyKey: string,
): Promise<WriteResult> {
  const { command: name, ...body } = command;
  const reply = await call<WriteResult>(
    `${commandApi}/v1/tasks/${encodeURIComponent(taskId)}/${name}`,
    {
      method: 'POST',
      token,
      body,
      headers: {
        'if-match': `"${expectedVersion}"`,
        'idempotency-key': idempotencyKey,
      },
    },
  );
  return reply.body;
}

/** The commands that take a task from one column to another. */
export function commandsToMove(from: TaskStatus, to: TaskStatus): TaskCommand['command'][] | null {
  if (from === to) return [];
  if (to === 'archived') return from === 'archived' ? [] : ['archive'];
  if (from === 'archived') return null; // archiving is final
  return to === 'completed' ? ['complete'] : ['reopen'];
}
