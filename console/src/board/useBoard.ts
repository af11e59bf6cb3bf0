// The board's reads: one query per column, with this tab's write positions
// (read-your-writes), and the history of the task that is open.

import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import {
  listProjects,
  listTasks,
  taskHistory,
  TASK_STATUSES,
  type Freshness,
  type Task,
  type TaskFilters,
  type TaskStatus,
} from '../api/tasks';
import { usePlatform } from '../platform';

export interface Column {
  status: TaskStatus;
  tasks: Task[];
  more: boolean;
  freshness: Freshness;
  loading: boolean;
  error: Error | null;
}

export function useColumns(filters: TaskFilters) {
  const { config, token, positions } = usePlatform();
  const results = useQueries({
    queries: TASK_STATUSES.map((status) => ({
      queryKey: ['tasks', status, filters],
      queryFn: ({ signal }: { signal: AbortSignal }) =>
        listTasks(config.query_api_url, token, status, filters, positions.token(), signal),
    })),
  });
  const columns: Column[] = TASK_STATUSES.map((status, index) => {
    const result = results[index];
    return {
      status,
      tasks: result?.data?.body.items ?? [],
      more: Boolean(result?.data?.body.next_cursor),
      freshness: result?.data?.freshness ?? null,
      loading: result?.isPending ?? true,
      error: result?.error ?? null,
    };
  });
  const queryClient = useQueryClient();
  const refetch = useCallback(
    () => queryClient.refetchQueries({ queryKey: ['tasks'] }),
    [queryClient],
  );
  const fetching = results.some((result) => result.isFetching);
  return { columns, refetch, fetching };
}

export function useHistory(taskId: string | null) {
  const { config, token, positions } = usePlatform();
  return useQuery({
    queryKey: ['history', taskId],
    enabled: taskId !== null,
    queryFn: ({ signal }) =>
      taskHistory(config.query_api_url, token, taskId ?? '', positions.token(), signal),
  });
}

export function useProjects() {
  const { config, token } = usePlatform();
  return useQuery({
    queryKey: ['projects'],
    queryFn: ({ signal }) => listProjects(config.query_api_url, token, signal),
    staleTime: 60_000,
  });
}
