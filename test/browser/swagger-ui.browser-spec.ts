/**
 * Swagger UI in a real browser: headless Chromium (Debian's `chromium` package, driven by
 * playwright-core; no browser download) against `/docs` of the real service on a real
 * PostgreSQL. Run with `npm run test:browser`; `npm test` does not pick this file up.
 *
 * The tests in this file share one page and run in order: authorize and execute (200),
 * reload and execute again (the authorization persists), log out and execute (401).
 */
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { addMember, createApplication, createGroup, createTenant, createUser, TenantFixture } from '../support/fixtures';
import { bearer, startTestApp, TestApp } from '../support/test-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = resolve(__dirname, 'artifacts');
const SCREENSHOT = join(ARTIFACTS, 'swagger-ui-get-user-applications.png');
const OPERATION_PATH = '/api/v1/tenants/{tenant_id}/users/{user_id}/applications';
const STEP_TIMEOUT = 10_000;

interface RenderedResponse {
  status: string;
  body: string;
  headers: string;
  curl: string;
  requestUrl: string;
}

describe('Swagger UI in headless Chromium', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let tenant: TenantFixture;
  let userId: string;
  let groupId: string;
  const apps: Record<'direct' | 'viaGroup' | 'unassigned', { id: string; name: string }> = {
    direct: { id: '', name: 'Browser Direct App' },
    viaGroup: { id: '', name: 'Browser Group App' },
    unassigned: { id: '', name: 'Browser Unassigned App' },
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // Never leave an earlier run's screenshots in place.
    for (const file of readdirSync(ARTIFACTS)) {
      if (file === 'swagger-ui-get-user-applications.png' || /^failure-.*\.png$/.test(file)) rmSync(join(ARTIFACTS, file));
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(`No Chromium at ${CHROMIUM}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
    }
    t = await startTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');

    // The data "Get User Applications" shows: one application assigned to the user directly,
    // one through a group the user is a member of, and one assigned to nobody.
    tenant = await createTenant(t, 'Browser Test Tenant');
    userId = await createUser(t, tenant, undefined, 'Browser Test User');
    groupId = await createGroup(t, tenant, 'Browser Test Group');
    await addMember(t, tenant, groupId, userId);
    for (const app of Object.values(apps)) app.id = await createApplication(t, tenant, app.name);
    const base = `/api/v1/tenants/${tenant.id}`;
    await t.http
      .post(`${base}/users/${userId}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: apps.direct.id })
      .expect(201);
    await t.http
      .post(`${base}/groups/${groupId}/applications`)
      .set(bearer(tenant.token))
      .send({ application_id: apps.viaGroup.id })
      .expect(201);

    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
    // A new context is a fresh profile: no cookies, no localStorage.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.setDefaultNavigationTimeout(STEP_TIMEOUT);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Runs a step; on failure saves a screenshot of the page next to the others and rethrows. */
  async function step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const file = join(ARTIFACTS, `failure-${name}.png`);
      await page?.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      console.log(`Swagger UI step "${name}" failed; screenshot: ${relative(process.cwd(), file)}`);
      throw error;
    }
  }

  async function openDocs(target: Page): Promise<void> {
    await target.goto(`${baseUrl}/docs`, { waitUntil: 'domcontentloaded' });
    await target.locator('.swagger-ui .info .title').filter({ hasText: 'IAM App Assignments API' }).waitFor();
    await operation(target).waitFor();
  }

  /** The "Get User Applications" block of the "App Assignments" tag, found by tag, method and path. */
  function operation(target: Page): Locator {
    return target
      .locator('.opblock.opblock-get[id^="operations-App_Assignments-"]')
      .filter({ has: target.locator(`.opblock-summary-path[data-path="${OPERATION_PATH}"]`) });
  }

  async function expandAndTryOut(target: Page): Promise<Locator> {
    const block = operation(target);
    await expectText(block.locator('.opblock-summary-description'), 'Get User Applications');
    if (!(await block.evaluate((el) => el.classList.contains('is-open')))) {
      await block.locator('.opblock-summary-control').click();
    }
    await block.locator('.opblock-body').waitFor();
    const tryOut = block.locator('button.try-out__btn');
    if ((await tryOut.textContent())?.trim() === 'Try it out') await tryOut.click();
    await block.locator('button.btn.execute').waitFor();
    return block;
  }

  /** Fills the path parameters, executes, and returns what Swagger UI rendered for the live response. */
  async function execute(block: Locator, tenantId: string, user: string): Promise<RenderedResponse> {
    await block.locator('input[placeholder="tenant_id"]').fill(tenantId);
    await block.locator('input[placeholder="user_id"]').fill(user);
    // Clear any earlier response so the wait below sees only this request's.
    const clear = block.locator('button.btn-clear');
    if (await clear.isVisible()) await clear.click();
    await block.locator('.live-responses-table').waitFor({ state: 'detached' });
    await block.locator('button.btn.execute').click();
    const live = block.locator('.live-responses-table tbody tr.response');
    await live.first().waitFor();
    const details = live.first().locator('.response-col_description');
    const body = details.locator('pre').first();
    await body.waitFor();
    return {
      status: (await live.first().locator('.response-col_status').innerText()).trim(),
      body: await body.innerText(),
      headers: await details.innerText(),
      curl: await block.locator('.curl-command').innerText(),
      requestUrl: await block.locator('.request-url pre').innerText(),
    };
  }

  async function openAuthorizeDialog(target: Page): Promise<Locator> {
    await target.locator('.scheme-container button.btn.authorize:not(.modal-btn)').click();
    const dialog = target.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    return dialog;
  }

  async function closeAuthorizeDialog(dialog: Locator): Promise<void> {
    await dialog.locator('button.btn-done').click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('authorizes with a bearer token, executes Get User Applications and renders the 200 response', async () => {
    await step('open-docs', () => openDocs(page));

    await step('authorize', async () => {
      const dialog = await openAuthorizeDialog(page);
      await dialog.locator('input[aria-label="auth-bearer-value"]').fill(tenant.token);
      await dialog.locator('button.modal-btn.auth.authorize').click();
      // Authorized: the value is masked and the button turns into "Logout".
      await dialog.locator('button.modal-btn.auth', { hasText: 'Logout' }).waitFor();
      await expectText(dialog.locator('.auth-container code'), '******');
      await closeAuthorizeDialog(dialog);
    });

    const block = await step('try-it-out', () => expandAndTryOut(page));
    const rendered = await step('execute-authorized', () => execute(block, tenant.id, userId));

    expect(rendered.status).toBe('200');
    expect(rendered.requestUrl).toBe(
      `${baseUrl}/api/v1/tenants/${tenant.id}/users/${userId}/applications?include_group_assignments=true`,
    );
    expect(rendered.curl).toContain(`Authorization: Bearer ${tenant.token}`);
    const body = JSON.parse(rendered.body);
    expect(body.data.user_id).toBe(userId);
    expect(body.data.total_count).toBe(2);
    const shown = body.data.applications.map(
      (a: { application_id: string; application_name: string; assignment_type: string }) => ({
        id: a.application_id,
        name: a.application_name,
        type: a.assignment_type,
      }),
    );
    expect(shown).toEqual(
      expect.arrayContaining([
        { id: apps.direct.id, name: apps.direct.name, type: 'direct' },
        { id: apps.viaGroup.id, name: apps.viaGroup.name, type: 'group' },
      ]),
    );
    expect(shown).toHaveLength(2);
    const viaGroup = body.data.applications.find((a: { application_id: string }) => a.application_id === apps.viaGroup.id);
    expect(viaGroup.assigned_via).toBe(groupId);
    // The rendered text itself (not only its parse) names both applications and not the third.
    expect(rendered.body).toContain(apps.direct.name);
    expect(rendered.body).toContain(apps.viaGroup.name);
    expect(rendered.body).not.toContain(apps.unassigned.id);

    await step('screenshot', async () => {
      // The operation from its header down to the end of the live (server) response; the
      // documented example responses below it are left out.
      const top = await block.boundingBox();
      const bottom = await block.locator('.live-responses-table').boundingBox();
      if (!top || !bottom) throw new Error('the operation block or its live response is not rendered');
      const scrollY = await page.evaluate<number>('window.scrollY');
      await page.screenshot({
        path: SCREENSHOT,
        fullPage: true,
        clip: { x: top.x, y: top.y + scrollY, width: top.width, height: bottom.y + bottom.height - top.y + 8 },
      });
    });
    console.log(`Swagger UI screenshot of the rendered 200 response: ${relative(process.cwd(), SCREENSHOT)}`);
  });

  it('keeps the authorization across a reload (persistAuthorization)', async () => {
    await step('reload', async () => {
      await page.reload({ waitUntil: 'domcontentloaded' });
      await operation(page).waitFor();
    });
    await step('authorize-dialog-after-reload', async () => {
      const dialog = await openAuthorizeDialog(page);
      await dialog.locator('button.modal-btn.auth', { hasText: 'Logout' }).waitFor();
      await dialog.locator('input[aria-label="auth-bearer-value"]').waitFor({ state: 'detached' });
      await closeAuthorizeDialog(dialog);
    });
    const block = await step('try-it-out-after-reload', () => expandAndTryOut(page));
    const rendered = await step('execute-after-reload', () => execute(block, tenant.id, userId));
    expect(rendered.status).toBe('200');
    expect(rendered.curl).toContain(`Authorization: Bearer ${tenant.token}`);
    expect(rendered.body).toContain(apps.direct.id);
    expect(rendered.body).toContain(apps.viaGroup.id);
  });

  it('renders 401 for a call without authorization, after logging out and on a fresh profile', async () => {
    await step('logout', async () => {
      const dialog = await openAuthorizeDialog(page);
      await dialog.locator('button.modal-btn.auth', { hasText: 'Logout' }).click();
      await dialog.locator('input[aria-label="auth-bearer-value"]').waitFor();
      await closeAuthorizeDialog(dialog);
    });
    const block = await step('try-it-out-logged-out', () => expandAndTryOut(page));
    const loggedOut = await step('execute-logged-out', () => execute(block, tenant.id, userId));
    expect(loggedOut.status).toBe('401');
    expect(loggedOut.curl).not.toContain('Authorization');
    expect(loggedOut.headers).toMatch(/www-authenticate: Bearer/i);
    expect(JSON.parse(loggedOut.body)).toEqual({ detail: expect.any(String) });
    expect(loggedOut.body).not.toContain(apps.direct.id);

    // A fresh browser profile that never authorized.
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    try {
      const fresh = await context.newPage();
      fresh.setDefaultTimeout(STEP_TIMEOUT);
      fresh.setDefaultNavigationTimeout(STEP_TIMEOUT);
      await openDocs(fresh);
      const freshBlock = await expandAndTryOut(fresh);
      const unauthorized = await execute(freshBlock, tenant.id, userId);
      expect(unauthorized.status).toBe('401');
      expect(unauthorized.curl).not.toContain('Authorization');
      expect(JSON.parse(unauthorized.body)).toEqual({ detail: expect.any(String) });
    } finally {
      await context.close();
    }
  });
});

/** Waits (bounded by the page's default timeout) until the locator's element contains the text. */
async function expectText(locator: Locator, text: string): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor();
  } catch (error) {
    const actual = await locator.allInnerTexts().catch(() => []);
    throw new Error(`expected ${locator.toString()} to contain ${JSON.stringify(text)}; it shows ${JSON.stringify(actual)}`, {
      cause: error,
    });
  }
}
