import type { TaskStatus } from '../api/tasks';

/** Column names as people say them; "completed" is the status of the Done column. */
export const COLUMN_NAMES: Record<TaskStatus, string> = {
  open: 'Open',
  completed: 'Done',
  archived: 'Archived',
};
