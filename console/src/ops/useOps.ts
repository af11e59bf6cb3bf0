// The operations page's reads (polled, so the page stays live) and actions.

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../api/http';
import { listInstances, listParked, listProjections } from '../api/ops';
import { usePlatform } from '../platform';

const PROJECTIONS_POLL_MS = 2_000;
const PARKED_POLL_MS = 5_000;
const INSTANCES_POLL_MS = 10_000;

/** Polling stops on a refusal: asking again will not grant the scope. */
function pollUnlessRefused(interval: number) {
  return (query: { state: { error: unknown } }) => {
    const error = query.state.error;
    return error instanceof ApiError && (error.isForbidden || error.isUnauthorized) ? false : interval;
  };
}

export function useProjections() {
  const { config, token } = usePlatform();
  return useQuery({
    queryKey: ['ops', 'projections'],
    queryFn: ({ signal }) => listProjections(config.projector_url, token, signal),
    refetchInterval: pollUnlessRefused(PROJECTIONS_POLL_MS),
    retry: false,
  });
}

export function useParked(enabled: boolean) {
  const { config, token } = usePlatform();
  return useQuery({
    queryKey: ['ops', 'parked'],
    queryFn: ({ signal }) => listParked(config.projector_url, token, signal),
    refetchInterval: pollUnlessRefused(PARKED_POLL_MS),
    enabled,
    retry: false,
  });
}

export function useInstances(enabled: boolean) {
  const { config, token } = usePlatform();
  return useQuery({
    queryKey: ['ops', 'instances'],
    queryFn: ({ signal }) => listInstances(config.command_api_url, token, signal),
    refetchInterval: pollUnlessRefused(INSTANCES_POLL_MS),
    enabled,
    retry: false,
  });
}

/** An operator action; its outcome stays on screen until the next one. */
export function useOpsAction<Input, Output>(action: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation<Output, Error, Input>({
    mutationFn: action,
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['ops'] }),
  });
}
