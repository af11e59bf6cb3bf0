import { expect, required, test } from './fixtures';
import type { Locator, Page } from '@playwright/test';

async function openOperations(page: Page) {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Operations' }).click();
  await expect(page.getByRole('heading', { name: 'Operations', level: 1 })).toBeVisible();
}

test('without ops:admin the operations page says "not allowed"', async ({ page, signIn, allowHttpStatus }) => {
  allowHttpStatus(403);
  await signIn(page, required('CONSOLE_READER_TOKEN'));
  await openOperations(page);
  await expect(page.getByRole('alert').filter({ hasText: 'Not allowed' })).toBeVisible();
  await expect(page.getByText('ops:admin').first()).toBeVisible();
});

test('shows every projection version live, with lag over time, process managers and instances', async ({
  page,
  signIn,
}) => {
  await signIn(page);
  await openOperations(page);
  const tasks = page.getByRole('region', { name: 'Versions of tasks' });
  await expect(tasks.getByRole('row', { name: /tasks\.v1/ })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Versions of projects' })).toBeVisible();
  // The chart fills from the polls: after a few, it has a line.
  await expect(tasks.getByRole('img', { name: /Lag of tasks\.v1/ })).toBeVisible({ timeout: 10_000 });
  await expect(page.getByRole('heading', { name: 'Process managers' })).toBeVisible();
  await expect(page.getByRole('row', { name: /project_archival/ }).first()).toBeVisible();
  const instances = page.getByRole('region', { name: 'Command API instances' });
  await expect(instances.getByText(/partitions \d/).first()).toBeVisible();
});

test('runs a rebuild and watches the new version go live, then rolls back and drops it', async ({
  page,
  signIn,
  screenshots,
  allowHttpStatus,
}) => {
  allowHttpStatus(409); // the refused drop
  await signIn(page);
  await openOperations(page);
  const projects = page.getByRole('region', { name: 'Versions of projects' });
  await expect(projects.getByRole('row', { name: /projects\.v1/ })).toBeVisible();

  await page.getByRole('button', { name: 'Rebuild projects' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rebuild projects?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Start the rebuild' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: 'Rebuild of projects started: version 2' })).toBeVisible();

  const v2 = projects.getByRole('row', { name: /projects\.v2/ });
  await expect(v2).toBeVisible();
  // Caught up, the new version becomes the live one that the query API serves.
  await expect(v2.getByText('serving')).toBeVisible({ timeout: 60_000 });
  // Live (its state may say "parked": this test's poison event is in every projection reading tasks).
  await expect(v2.getByRole('cell').filter({ hasText: /\blive\b/ })).toBeVisible();
  await expect(projects.getByRole('row', { name: /projects\.v1/ }).getByText(/standby/)).toBeVisible();
  await expect(projects.getByRole('row', { name: /projects\.v1/ }).getByText('serving')).toHaveCount(0);
  await screenshots(page, 'operations');

  // Each action asks first; Cancel does nothing.
  await projects.getByRole('button', { name: 'Drop projects.v1' }).click();
  const drop = page.getByRole('dialog', { name: 'Drop projects version 1?' });
  await drop.getByRole('button', { name: 'Cancel' }).click();
  await expect(drop).toHaveCount(0);

  // Dropping the old version right after the switch is refused (queries that
  // started before it may still read it), and the page says why.
  await projects.getByRole('button', { name: 'Drop projects.v1' }).click();
  await drop.getByRole('button', { name: 'Drop it' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'The projector refused' })).toContainText('stopped serving');

  // Rolling back makes the old version the live one again.
  await page.getByRole('button', { name: 'Roll back projects' }).click();
  await page.getByRole('dialog', { name: 'Roll back projects?' }).getByRole('button', { name: 'Roll back' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'projects rolled back' })).toBeVisible();
  await expect(projects.getByRole('row', { name: /projects\.v1/ }).getByText('serving')).toBeVisible();
  await expect(projects.getByRole('row', { name: /projects\.v2/ }).getByText('serving')).toHaveCount(0);

  // A forced drop removes the version that no longer serves, within the grace period.
  await projects.getByRole('button', { name: 'Drop projects.v2' }).click();
  const dropV2 = page.getByRole('dialog', { name: 'Drop projects version 2?' });
  await dropV2.getByLabel(/Drop even if/).check();
  await dropV2.getByRole('button', { name: 'Drop it' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'projects version 2 dropped' })).toBeVisible({
    timeout: 40_000,
  });
  await expect(projects.getByRole('row', { name: /projects\.v2/ })).toHaveCount(0);
});

test('retries a parked event once the fix is deployed, and skips a stream with who and why', async ({
  page,
  signIn,
  screenshots,
}) => {
  await signIn(page);
  await openOperations(page);
  const parked = page.getByRole('region', { name: 'Parked events' });
  const inTasks = parked.getByRole('article').filter({ hasText: 'in tasks.v1' });
  await expect(inTasks).toBeVisible();
  await expect(inTasks.getByText('Error:')).toBeVisible();
  await inTasks.getByText('Payload').click();
  await expect(inTasks.getByText('"schema_version": 9')).toBeVisible();
  await screenshots(page, 'parked');

  // The projector now runs the release that reads it: the retry applies the stream.
  const tasksId = await parkedId(inTasks);
  await inTasks.getByRole('button', { name: `Retry parked event ${tasksId}` }).click();
  await expect(parked.getByRole('status').filter({ hasText: `Retried parked event ${tasksId}` })).toContainText(
    '2 event(s)',
  );
  await expect(parked.getByRole('article').filter({ hasText: 'in tasks.v1' })).toHaveCount(0);

  // In projects the fix is not deployed: the retry says it still fails, and nothing is lost.
  const inProjects = parked.getByRole('article').filter({ hasText: 'in projects.v1' });
  const projectsId = await parkedId(inProjects);
  await inProjects.getByRole('button', { name: `Retry parked event ${projectsId}` }).click();
  await expect(
    parked.getByRole('alert').filter({ hasText: `Retried parked event ${projectsId}: the stream is still parked` }),
  ).toBeVisible();

  // Skipping needs who and why. Skipping the first event leaves the next one
  // of the stream, which cannot be applied without it; skipping that one too
  // resolves the stream.
  for (const [attempt, outcome] of [
    [1, 'the stream is still parked'],
    [2, 'nothing of it is parked any more'],
  ] as const) {
    const first = parked.getByRole('article').filter({ hasText: 'in projects.v1' });
    const id = await parkedId(first);
    const skip = parked.getByRole('form', { name: `Skip parked event ${id}` });
    await expect(skip.getByRole('button', { name: 'Skip' })).toBeDisabled();
    await skip.getByLabel('Skipped by').fill('ada');
    await skip.getByLabel('Reason').fill(`written by a newer release; projects needs none of it (${attempt})`);
    await skip.getByRole('button', { name: 'Skip' }).click();
    await expect(parked.getByText(`Skipped parked event ${id}`)).toBeVisible();
    await expect(parked.getByText(outcome)).toBeVisible();
    await expect(parked.getByRole('heading', { name: new RegExp(`^Parked event ${id}\\b`) })).toHaveCount(0);
  }
  await expect(parked.getByRole('article').filter({ hasText: 'in projects.v1' })).toHaveCount(0);

  // The task the retry applied is on the board, completed as its stream says.
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Tasks' }).click();
  await expect(
    page.getByRole('region', { name: /^Done\b/ }).getByRole('heading', { name: 'From the future' }),
  ).toBeVisible();
});

async function parkedId(event: Locator): Promise<string> {
  const heading = (await event.getByRole('heading').first().textContent()) ?? '';
  const id = /Parked event (\d+)/.exec(heading)?.[1];
  expect(id, heading).toBeTruthy();
  return id ?? '';
}
