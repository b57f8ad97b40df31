// The admin console's organisation screens at 1920×1080 against the real API on the test database
// with a generated demo city: the system administrator creates a user with a role and a
// jurisdiction node picked on the tree; the new user signs in with the temporary password, must set
// a new one, and lands on the command center; the audit administrator sees the audit log and
// nothing else. Screenshots go to test-artifacts/admin-org-*.png.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../api/src/auth/seed.ts';
import type { Browser } from './support/browser.ts';
import { byTestId, openDesktop, reportFailure, saveScreenshot, signIn } from './support/page.ts';
import { startStack, type Stack } from './support/stack.ts';

const LONG = 240_000;

let stack: Stack;
let browser: Browser;
let page: Page;
let errors: string[] = [];
let street: { id: number; name: string };
let temporary = '';
let deps: { parent: { id: number; name: string }; child: { id: number; name: string } };
const NEW_PASSWORD = 'Street#2026ok';

beforeAll(async () => {
  stack = await startStack();
  street = (await stack.t.app.db.ownerPool.query('select id, name from jurisdictions where tenant_id = $1 and level = 3 order by code limit 1', [stack.city.tenantId])).rows[0];
  ({ browser, page, errors } = await openDesktop());
  const admin = await stack.login('admin');
  const parent = { id: (await admin.post('/api/departments', { name: '测试上级部门' })).body.id as number, name: '测试上级部门' };
  const child = { id: (await admin.post('/api/departments', { name: '测试下级部门', parentId: parent.id })).body.id as number, name: '测试下级部门' };
  deps = { parent, child };
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

function onFailure(name: string): void {
  reportFailure(`admin-org-${name}`, () => page, () => errors);
}

async function signOut(): Promise<void> {
  await browser.context.clearCookies();
}

const newUsername = () => stack.username('zhoujie');

describe('organisation in the admin console', () => {
  it('creates a user with a role and a jurisdiction node picked on the tree', { timeout: LONG }, async () => {
    onFailure('create');
    await signIn(page, stack.baseUrl, stack.username('admin'), DEMO_PASSWORD, '/admin/org/users');
    await byTestId(page, 'users-table').waitFor();
    await byTestId(page, 'menu-org-users').waitFor();
    expect(await byTestId(page, 'menu-org-audit').count()).toBe(0);
    await saveScreenshot(page, 'admin-org-users.png');
    // one's own row offers no disable or password reset (the server refuses them too)
    const self = stack.username('admin');
    await byTestId(page, 'users-search').fill(self);
    await byTestId(page, 'users-search').press('Enter');
    await byTestId(page, `user-edit-${self}`).waitFor();
    expect(await byTestId(page, `user-toggle-${self}`).count()).toBe(0);
    expect(await byTestId(page, `user-reset-${self}`).count()).toBe(0);
    await saveScreenshot(page, 'admin-org-users-self.png');
    // the audit administrator's account is the system operator's: no edit, reset or disable here
    const auditor = stack.username('auditor');
    await byTestId(page, 'users-search').fill(auditor);
    await byTestId(page, 'users-search').press('Enter');
    await byTestId(page, `user-operator-${auditor}`).waitFor();
    for (const button of ['edit', 'reset', 'toggle']) expect(await byTestId(page, `user-${button}-${auditor}`).count()).toBe(0);
    await saveScreenshot(page, 'admin-org-users-auditor.png');
    await byTestId(page, 'users-search').fill('');
    await byTestId(page, 'users-search').press('Enter');

    await byTestId(page, 'user-create').click();
    await byTestId(page, 'user-username').fill(newUsername());
    // a name is text wherever it is shown, markup included
    await byTestId(page, 'user-display-name').fill('街道 <b>周杰</b>');
    // the department is picked by its path (a sub-department here)
    await byTestId(page, 'user-department').click();
    await byTestId(page, `department-option-${deps.child.id}`).click();
    await expect.poll(() => byTestId(page, 'user-department').innerText()).toContain(`${deps.parent.name} / ${deps.child.name}`);
    // typed as people write it: the field takes it whole, the server keeps the 11 digits
    await byTestId(page, 'user-phone').fill('+86 137 0000 1234');
    await byTestId(page, 'user-roles').click();
    await page.locator('[data-testid="role-option-commander"]').click();
    await page.keyboard.press('Escape');
    await byTestId(page, 'user-scope-filter').fill(street.name);
    await byTestId(page, 'user-scope-tree').getByText(street.name, { exact: true }).first().click();
    await expect.poll(() => byTestId(page, 'user-scope-chosen').textContent()).toBe(street.name);
    await saveScreenshot(page, 'admin-org-user-drawer.png');

    await byTestId(page, 'user-save').click();
    const shown = byTestId(page, 'temp-password');
    await shown.waitFor();
    temporary = (await shown.textContent())!.trim();
    expect(temporary).toHaveLength(12);
    expect(await page.locator('.el-message-box').innerText()).toContain('街道 <b>周杰</b>');
    expect(await page.locator('.el-message-box b').count()).toBe(0);
    await saveScreenshot(page, 'admin-org-temp-password.png');
    await page.keyboard.press('Enter');

    const created = (await (await stack.login('admin')).get(`/api/users?q=${newUsername()}`)).body.items[0];
    expect(created).toMatchObject({ displayName: '街道 <b>周杰</b>', department: { id: deps.child.id }, phoneMasked: '137****1234', roles: [{ code: 'commander' }], scope: [{ id: street.id }], mustChangePassword: true });
  });

  it('moves a department on the tree, never under its own sub-department', { timeout: LONG }, async () => {
    onFailure('departments');
    await byTestId(page, 'menu-org-departments').click();
    await byTestId(page, `department-edit-${deps.parent.id}`).click();
    await byTestId(page, 'department-parent').click();
    const options = page.locator('.el-select-dropdown:visible [data-testid^="department-option-"]');
    await options.first().waitFor();
    const offered = (await options.allInnerTexts()).map((x) => x.trim());
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.every((x) => x !== '')).toBe(true);
    expect(offered.filter((x) => x.includes(deps.child.name) || x.includes(deps.parent.name))).toEqual([]);
    await saveScreenshot(page, 'admin-org-department-parent.png');
    const target = await options.first().getAttribute('data-testid');
    await options.first().click();
    await byTestId(page, 'department-save').click();
    await page.locator('.el-message--success').first().waitFor();
    const list = (await (await stack.login('admin')).get('/api/departments')).body as { id: number; parentId: number | null }[];
    expect(list.find((d) => d.id === deps.parent.id)!.parentId).toBe(Number(target!.replace('department-option-', '')));
  });

  it('creates a position in a sub-department, and disables it only after saying who loses rights', { timeout: LONG }, async () => {
    onFailure('positions');
    await byTestId(page, 'menu-org-positions').click();
    await byTestId(page, 'position-add').click();
    await byTestId(page, 'position-name').fill('流调员');
    await byTestId(page, 'position-department').click();
    await byTestId(page, `department-option-${deps.child.id}`).click();
    await saveScreenshot(page, 'admin-org-position-dialog.png');
    await byTestId(page, 'position-save').click();
    await page.locator('.el-message--success').first().waitFor();
    const admin = await stack.login('admin');
    const made = (await admin.get('/api/positions')).body.find((p: { name: string }) => p.name === '流调员');
    expect(made).toMatchObject({ departmentId: deps.child.id, active: true });

    await byTestId(page, `position-toggle-${made.id}`).click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    expect(await box.innerText()).toContain('流调员');
    await saveScreenshot(page, 'admin-org-position-disable.png');
    await box.locator('.el-button--primary').click();
    await expect.poll(async () => (await admin.get('/api/positions')).body.find((p: { id: number }) => p.id === made.id).active).toBe(false);
  });

  it('shows the roles with the permission matrix and what each permission opens', { timeout: LONG }, async () => {
    onFailure('roles');
    await byTestId(page, 'menu-org-roles').click();
    await byTestId(page, 'permission-matrix').waitFor();
    await byTestId(page, 'perm-audit:read').waitFor();
    // The system administrator reads the matrix; the security administrator edits it.
    expect(await byTestId(page, 'cell-commander-person:read').locator('input').isDisabled()).toBe(true);
    await page.locator('[data-testid="permission-matrix"] .el-table__expand-icon').first().click();
    await saveScreenshot(page, 'admin-org-roles.png');
  });

  it('the new user must change the temporary password, then lands on the command center', { timeout: LONG }, async () => {
    onFailure('first-sign-in');
    await signOut();
    await page.goto(`${stack.baseUrl}/login`);
    await byTestId(page, 'login-username').fill(newUsername());
    await byTestId(page, 'login-password').fill(temporary);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'password-change').waitFor();
    await byTestId(page, 'change-new').fill('short');
    await byTestId(page, 'change-again').fill('short');
    await byTestId(page, 'change-submit').click();
    await byTestId(page, 'change-error').waitFor();
    await saveScreenshot(page, 'admin-org-password-change.png');
    await byTestId(page, 'change-new').fill(NEW_PASSWORD);
    await byTestId(page, 'change-again').fill(NEW_PASSWORD);
    await byTestId(page, 'change-submit').click();
    await page.waitForURL(/\/command/, { timeout: 60_000 });
    const me = await page.evaluate(() => fetch('/api/auth/me').then((r) => r.json()));
    expect(me).toMatchObject({ mustChangePassword: false, roles: ['commander'], scope: [{ id: street.id }] });
    await page.waitForTimeout(1500);
    await saveScreenshot(page, 'admin-org-landed-command.png');
  });

  it('the audit administrator sees the audit log and nothing else', { timeout: LONG }, async () => {
    onFailure('auditor');
    await signOut();
    await signIn(page, stack.baseUrl, stack.username('auditor'), DEMO_PASSWORD, '/admin/');
    await page.waitForURL(/\/admin\/org\/audit/, { timeout: 60_000 });
    await byTestId(page, 'audit-table').waitFor();
    await page.locator('[data-testid="audit-table"] .el-table__row').first().waitFor();
    expect(await byTestId(page, 'menu-org-users').count()).toBe(0);
    expect(await byTestId(page, 'menu-import').count()).toBe(0);
    expect(await page.locator('[data-testid="audit-table"]').textContent()).toContain('user.create');
    await saveScreenshot(page, 'admin-org-audit.png');

    // The action filter matches the start of the code: `user` finds the accounts created above
    // (shown in words, their code beside), and no sign-ins.
    const table = page.locator('[data-testid="audit-table"]');
    await expect.poll(() => table.textContent()).toContain('auth.login');
    // actions are found by their Chinese name: 新建用户 is user.create alone
    const actionInput = page.locator('[data-testid="audit-action"] input');
    await actionInput.fill('新建用户');
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'user.create' }).first().waitFor();
    await actionInput.press('Enter');
    await expect.poll(() => table.textContent()).not.toContain('auth.login');
    const rows = table.locator('.el-table__row');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const code of await table.locator('[data-testid^="audit-action-"] + .code').allTextContents()) expect(code.trim()).toBe('user.create');
    // and a group by the start of its code: user.* is every action on accounts
    await byTestId(page, 'audit-action').click();
    await actionInput.fill('user.*');
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'user.*' }).first().waitFor();
    await actionInput.press('Enter');
    await expect.poll(async () => (await table.locator('[data-testid^="audit-action-"] + .code').allTextContents()).every((c) => c.trim().startsWith('user.'))).toBe(true);
    expect(await table.textContent()).toContain('新建用户');
    // by the acting user and by result too
    await byTestId(page, 'audit-user').fill(stack.username('admin').toUpperCase());
    await byTestId(page, 'audit-user').press('Enter');
    await byTestId(page, 'audit-result').click();
    await page.locator('[data-testid="audit-result-ok"]').click();
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await table.textContent()).toContain('成功');
    // the raw record is kept in the expanded row
    await rows.first().locator('.el-table__expand-icon').click();
    await expect.poll(() => byTestId(page, 'audit-raw').first().textContent()).toContain('"action": "user.');
    await saveScreenshot(page, 'admin-org-audit-filtered.png');
  });
});
