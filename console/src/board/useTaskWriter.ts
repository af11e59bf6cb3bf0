// Every write of the board goes through here: one Idempotency-Key per user
// action (kept when the same action is retried, so the command runs at most
// once), If-Match with the version the user saw, and after success the
// write's position recorded so the next reads wait for it.

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, NetworkError } from '../api/http';
import {
  createTask,
  runCommand,
  type CreateTaskBody,
  type TaskCommand,
  type WriteResult,
} from '../api/tasks';
import { usePlatform } from '../platform';

export type WriteAction =
  | { kind: 'create'; key: string; body: CreateTaskBody; label: string }
  | {
      kind: 'command';
      key: string;
      taskId: string;
      version: number;
      command: TaskCommand;
      label: string;
    };

/** An action as the user starts it: a fresh idempotency key. */
export function newAction(
  action: Omit<Extract<WriteAction, { kind: 'create' }>, 'key'> | Omit<Extract<WriteAction, { kind: 'command' }>, 'key'>,
): WriteAction {
  return { ...action, key: crypto.randomUUID() };
}

export function useTaskWriter() {
  const { config, token, positions } = usePlatform();
  const queryClient = useQueryClient();
  const mutation = useMutation<WriteResult, Error, WriteAction>({
    mutationFn: (action) =>
      action.kind === 'create'
        ? createTask(config.command_api_url, token, action.body, action.key)
        : runCommand(
            config.command_api_url,
            token,
            action.taskId,
            action.version,
            action.command,
            action.key,
          ),
    // Only a request that may never have arrived is sent again, with the same key.
    retry: (failures, error) => failures < 2 && error instanceof NetworkError,
    retryDelay: 500,
    onSuccess: async (result) => {
      positions.record(result.position);
      await queryClient.invalidateQueries({ queryKey: ['tasks'] });
      await queryClient.invalidateQueries({ queryKey: ['history', result.task_id] });
    },
  });

  const { mutate, reset, variables } = mutation;
  const run = useCallback((action: WriteAction) => mutate(action), [mutate]);
  /** The failed action again, with its own key. */
  const retry = useCallback(() => {
    if (variables) mutate(variables);
  }, [mutate, variables]);
  /** After a conflict: read the current versions, forget the failed write. */
  const reload = useCallback(async () => {
    reset();
    await queryClient.invalidateQueries({ queryKey: ['tasks'] });
    await queryClient.invalidateQueries({ queryKey: ['history'] });
  }, [reset, queryClient]);

  const conflict = mutation.error instanceof ApiError && mutation.error.isConflict;
  return {
    run,
    retry,
    reload,
    dismiss: reset,
    pending: mutation.isPending,
    error: mutation.error,
    conflict,
    succeeded: mutation.isSuccess,
    action: variables,
  };
}

export type TaskWriter = ReturnType<typeof useTaskWriter>;
