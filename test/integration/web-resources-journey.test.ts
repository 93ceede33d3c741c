import { describe, expect, it } from 'vitest';
import { DEMO_BASE_STAGES, seedDemoConsortium } from '@sharedtech/local';
import { isoToLocalInput } from '@sharedtech/web';
import { suiteBrowser } from '../support/browser.js';
import { startTestApi } from '../support/harness.js';

/**
 * Shared resources and talent mutual employment through the pages only, in
 * both languages: a college registers a lab, an enterprise books hours of it,
 * the college approves; the enterprise proposes an engineer as industry
 * teacher and the college confirms. Screenshots at desktop and phone width.
 */
const api = await startTestApi();
await seedDemoConsortium(api.deps, DEMO_BASE_STAGES);

const browser = suiteBrowser(api.baseUrl, 'resources');

const LAB = '工业视觉实训室（旅程）';
const HOUR = 3_600_000;
/** A whole hour `hours` ahead of now, as the Asia/Shanghai wall time a datetime-local input takes. */
const wholeHourAhead = (hours: number) => isoToLocalInput(new Date(Math.ceil(Date.now() / HOUR) * HOUR + hours * HOUR).toISOString());
const text = (selector: string) => browser.page.locator(selector).first().innerText();

describe('shared resources and talent mutual employment through the pages', () => {
  let labPath = '';

  it('a college registers a lab from the menu, corrected by the messages beside the fields (zh-CN)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-college');
    await browser.go('/?lang=zh-CN');
    await browser.submit(page.locator('nav a[href="/resources"]'));
    expect(await text('h1')).toBe('共享资源');
    await browser.submit(page.locator('a[href="/resources/new"]'));
    await browser.submit(page.locator('form[action="/resources/new"] button[type="submit"]'));
    expect(await page.locator('.error-summary').count()).toBe(1);
    expect(await page.locator('#f-name').getAttribute('aria-invalid')).toBe('true');
    await browser.shot('register-errors');

    await page.selectOption('#f-type', 'LAB');
    await page.fill('#f-name', LAB);
    await page.fill('#f-description', '配备 6 套工业相机与环形光源，可做焊缝成像试验。');
    await page.selectOption('#f-cluster', 'smart-manufacturing');
    await page.fill('#f-capabilities', '机器视觉, 光学检测');
    await page.fill('#f-location', '市职业技术学院 实训楼 B201');
    await page.fill('#f-rules', '须经安全培训；设备由管理员开机。');
    await page.selectOption('#f-price-unit', 'PER_HOUR');
    await page.fill('#f-price-amount', '200');
    await browser.submit(page.locator('form[action="/resources/new"] button[type="submit"]'));
    labPath = new URL(page.url()).pathname;
    expect(labPath).toMatch(/^\/resources\/res_[0-9A-Z]{26}$/);
    expect(await text('.flash')).toBe('共享资源已登记。');
    expect(await text('.facts')).toContain('¥200.00 / 小时');
    await browser.shot('lab-registered');
    await browser.shot('lab-registered-phone', { width: 390 });
  });

  it('an enterprise books three hours of it (en); an overlapping booking is refused', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/resources?lang=en');
    expect(await text('h1')).toBe('Shared resources');
    await browser.submit(page.locator('.item a', { hasText: LAB }));
    await page.fill('#f-start', wholeHourAhead(30));
    await page.fill('#f-end', wholeHourAhead(33));
    await page.fill('#f-purpose', 'Imaging trials of weld samples');
    await browser.submit(page.locator('[data-booking-form] button[type="submit"]'));
    expect(await text('.flash')).toBe('Booking requested; the owner decides.');
    const booking = page.locator('[data-booking-id]').first();
    expect(await booking.locator('.badge').getAttribute('data-status')).toBe('PENDING');
    expect(await booking.innerText()).toContain('¥600.00');
    expect(await page.locator('[data-taken-slots]').innerText()).not.toBe('');
    await browser.shot('booking-requested-en');
    await browser.shot('booking-requested-en-phone', { width: 390 });

    await page.fill('#f-start', wholeHourAhead(32));
    await page.fill('#f-end', wholeHourAhead(34));
    await page.fill('#f-purpose', 'A second try');
    const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('[data-booking-form] button[type="submit"]').click()]);
    expect(response?.status()).toBe(409);
    expect(await text('main')).toContain('Those hours are already booked');
  });

  it('the college approves it from its list of bookings awaiting approval (zh-CN)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-college');
    await browser.go('/resources?lang=zh-CN');
    const awaiting = page.locator('section[aria-labelledby="awaiting-title"] [data-booking-id]');
    expect(await awaiting.count()).toBe(1);
    await browser.shot('awaiting-approval');
    await browser.submit(awaiting.locator('button', { hasText: '批准' }));
    expect(new URL(page.url()).pathname).toBe(labPath);
    expect(await text('.flash')).toBe('预约已批准。');
    expect(await page.locator('[data-booking-id] .badge').first().getAttribute('data-status')).toBe('APPROVED');
    expect(await text('.facts')).toContain('3');
    await browser.shot('booking-approved');
  });

  it('the enterprise proposes its engineer as industry teacher (en); the college confirms (zh-CN)', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go('/appointments?lang=en');
    expect(await text('h1')).toBe('Talent exchange');
    await browser.submit(page.locator('a[href="/appointments/new"]'));
    await page.selectOption('#f-kind', 'INDUSTRY_TEACHER');
    await page.selectOption('#f-counterpartOrgId', { label: '市职业技术学院' });
    await page.selectOption('#f-cluster', 'smart-manufacturing');
    await page.fill('#f-person-name', '赵工');
    await page.fill('#f-person-title', 'Senior engineer');
    await page.fill('#f-subject', 'Industrial machine vision course');
    await page.fill('#f-startDate', '2030-03-01');
    await page.fill('#f-endDate', '2029-07-01');
    await page.fill('#f-hoursPerMonth', '16');
    await browser.submit(page.locator('form[action="/appointments/new"] button[type="submit"]'));
    expect(await text('#f-endDate-error')).toContain('The end date is before the start date');
    await page.fill('#f-endDate', '2030-07-01');
    await browser.submit(page.locator('form[action="/appointments/new"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toMatch(/^\/appointments\/apt_[0-9A-Z]{26}$/);
    const appointmentPath = new URL(page.url()).pathname;
    expect(await text('.flash')).toBe('Appointment proposed; the other organisation confirms.');
    expect(await page.locator('[data-status]').first().getAttribute('data-status')).toBe('PROPOSED');
    await browser.shot('appointment-proposed-en');

    await browser.signInAs('demo-college');
    await browser.go('/appointments?lang=zh-CN');
    const item = page.locator('[data-appointment-id]', { hasText: '赵工' });
    expect(await item.innerText()).toContain('待您确认');
    await browser.shot('appointments-awaiting');
    await browser.submit(item.locator('a').first());
    expect(new URL(page.url()).pathname).toBe(appointmentPath);
    await browser.submit(page.locator(`form[action="${appointmentPath}/confirm"] button`));
    expect(await text('.flash')).toBe('互聘已确认。');
    expect(await page.locator('[data-status]').first().getAttribute('data-status')).toBe('ACTIVE');
    await browser.shot('appointment-confirmed');
    await browser.shot('appointment-confirmed-phone', { width: 390 });

    await browser.go('/appointments?lang=zh-CN');
    expect(await text('.facts')).toContain('16');
    expect(browser.problems).toEqual([]);
  });
});
