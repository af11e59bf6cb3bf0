import { expect, test } from './fixtures';
import type { Locator, Page } from '@playwright/test';

const unique = () => Math.random().toString(36).slice(2, 8);

function column(page: Page, name: 'Open' | 'Done' | 'Archived') {
  return page.getByRole('region', { name: new RegExp(`^${name}\\b`) });
}

/** A task's card, on the whole board or in one column. */
function card(scope: Page | Locator, title: string) {
  const page = 'page' in scope ? scope.page() : scope;
  return scope.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title, exact: true }) });
}

async function createTask(page: Page, title: string) {
  await page.getByRole('textbox', { name: 'New task' }).fill(title);
  await page.getByRole('button', { name: 'Add task' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved: Create “${title}”` })).toBeVisible();
  // Read-your-writes: the board's next read waited for the write's position.
  await expect(card(column(page, 'Open'), title)).toBeVisible();
}

test('creates a task and sees it at once on the board', async ({ page, signIn, screenshots }) => {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeVisible();
  const title = `Write the release notes ${unique()}`;
  await createTask(page, title);
  await screenshots(page, 'board');
});

test('drags a task to Done, and moves it back with the keyboard', async ({ page, signIn }) => {
  await signIn(page);
  const writes: Record<string, string>[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') writes.push(request.headers());
  });
  const title = `Drag me ${unique()}`;
  await createTask(page, title);

  await card(column(page, 'Open'), title).dragTo(column(page, 'Done'));
  await expect(card(column(page, 'Done'), title)).toBeVisible();
  await expect(card(column(page, 'Open'), title)).toHaveCount(0);

  // The keyboard's way: the card's "Move to" menu.
  const menu = page.getByLabel(`Move “${title}” to`);
  await menu.focus();
  await menu.selectOption({ label: 'Open' });
  await expect(card(column(page, 'Open'), title)).toBeVisible();

  // Every write named an idempotency key of its own; each command the version it was decided on.
  expect(writes).toHaveLength(3);
  const keys = writes.map((headers) => headers['idempotency-key']);
  expect(new Set(keys).size).toBe(3);
  expect(writes.slice(1).map((headers) => headers['if-match'])).toEqual(['"1"', '"2"']);
});

test('renames, assigns and tags a task, and shows its history beside it', async ({ page, signIn, screenshots }) => {
  await signIn(page);
  const title = `Plan the offsite ${unique()}`;
  await createTask(page, title);
  await page.getByRole('button', { name: `Details of “${title}”` }).click();
  const details = page.getByRole('complementary');

  const renamed = `${title} (v2)`;
  await details.getByLabel('Title').fill(renamed);
  await details.getByRole('button', { name: 'Rename' }).click();
  await expect(details.getByRole('heading', { name: renamed, level: 2 })).toBeVisible();

  await details.getByLabel('Assignee').fill('ada');
  await details.getByRole('button', { name: 'Assign' }).click();
  await expect(card(page, renamed).getByText('@ada')).toBeVisible();

  await details.getByLabel('New tag').fill('offsite');
  await details.getByRole('button', { name: 'Add tag' }).click();
  await expect(details.getByRole('button', { name: 'Remove tag offsite' })).toBeVisible();

  const events = details.getByRole('list', { name: 'Events, oldest first' });
  await expect(events.getByText('TaskCreated')).toBeVisible();
  await expect(events.getByText('TaskRenamed')).toBeVisible();
  await expect(events.getByText('TaskAssigned')).toBeVisible();
  await expect(events.getByText('TaskTagAdded')).toBeVisible();

  // Filters: by assignee, then by tag and text.
  await page.getByRole('search').getByLabel('Assignee').fill('ada');
  await expect(card(page, renamed)).toBeVisible();
  await page.getByRole('search').getByLabel('Assignee').fill('nobody-by-that-name');
  await expect(card(page, renamed)).toHaveCount(0);
  await expect(page.getByText('No task here matches the filters.').first()).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByRole('search').getByLabel('Tag').fill('offsite');
  await page.getByRole('search').getByLabel('Search titles').fill('offsite');
  await expect(card(page, renamed)).toBeVisible();

  await screenshots(page, 'task-details');

  await details.getByRole('button', { name: 'Complete' }).click();
  await expect(card(column(page, 'Done'), renamed)).toBeVisible();
  // The confirmation is a modal dialog: Escape cancels it and focus returns to its opener.
  const archive = details.getByRole('button', { name: 'Archive' });
  await archive.click();
  const dialog = page.getByRole('dialog', { name: 'Archive this task?' });
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(archive).toBeFocused();
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: 'Archive' }).click();
  await expect(card(column(page, 'Archived'), renamed)).toBeVisible();
  await expect(details.getByText('Archived tasks are final')).toBeVisible();
});

test('a write from a second tab makes the first tab’s write a visible conflict', async ({
  context,
  page,
  signIn,
  allowHttpStatus,
  screenshots,
}) => {
  allowHttpStatus(412);
  await signIn(page);
  const title = `Contested ${unique()}`;
  await createTask(page, title);

  // A second tab loads the same task at the same version.
  const second = await context.newPage();
  await signIn(second);
  await expect(card(second, title)).toBeVisible();

  // The first tab renames it...
  await page.getByRole('button', { name: `Details of “${title}”` }).click();
  await page.getByRole('complementary').getByLabel('Title').fill(`${title} by tab one`);
  await page.getByRole('complementary').getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('complementary').getByRole('heading', { name: `${title} by tab one` })).toBeVisible();

  // ...so the second tab's write, made on the version it loaded, is refused.
  await second.getByRole('button', { name: `Details of “${title}”` }).click();
  await second.getByRole('complementary').getByLabel('Title').fill(`${title} by tab two`);
  await second.getByRole('complementary').getByRole('button', { name: 'Rename' }).click();
  const conflict = second.getByRole('alert').filter({ hasText: 'Changed by someone else' });
  await expect(conflict).toBeVisible();
  await expect(card(second, `${title} by tab two`)).toHaveCount(0);
  await screenshots(second, 'conflict');

  // Reload shows the other tab's change; the user decides again.
  await conflict.getByRole('button', { name: 'Reload' }).click();
  await expect(conflict).toHaveCount(0);
  await expect(second.getByRole('complementary').getByRole('heading', { name: `${title} by tab one` })).toBeVisible();
  await second.getByRole('complementary').getByLabel('Title').fill(`${title} by tab two`);
  await second.getByRole('complementary').getByRole('button', { name: 'Rename' }).click();
  await expect(card(second, `${title} by tab two`)).toBeVisible();
  await second.close();
});

test('filters by project, and creates a task in the project it shows', async ({ page, signIn }) => {
  await signIn(page);
  const outside = `Outside the launch ${unique()}`;
  await createTask(page, outside);
  // The project "Launch" is made by tests/tests/console.rs through the command API.
  await page.getByRole('search').getByLabel('Project').selectOption({ label: 'Launch' });
  await expect(card(page, outside)).toHaveCount(0);
  const inside = `Book the venue ${unique()}`;
  await createTask(page, inside);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(card(page, outside)).toBeVisible();
  await expect(card(page, inside)).toBeVisible();
});

test('signs out and back in with a pasted token', async ({ page, signIn }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByLabel('Bearer token').fill(process.env.CONSOLE_TOKEN ?? '');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeVisible();
  // The token stays in this tab's session storage, never in a cookie.
  expect(await page.context().cookies()).toEqual([]);
});
