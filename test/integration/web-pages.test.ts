import { describe, expect, it } from 'vitest';
import { DICTIONARIES, LOCALES, type Locale } from '@sharedtech/web';
import { suiteBrowser } from '../support/browser.js';
import { cny, openRequest, organisation, requestBody, joinByInvitation } from '../support/fixtures.js';
import { orgIdOf, startDemoApi } from '../support/demo.js';

/**
 * Every page in both languages, the error pages, the language switch, CSRF,
 * organisation registration and verification, and a dispute decided through
 * the pages. The data behind the pages is set up through the JSON API; the
 * journey test does the same steps through the pages.
 */
const { api, enterprise, studio, association, enterpriseOrg, studioOrg, studioTeam } = await startDemoApi();

const ok = <T extends { status: number; body: unknown }>(response: T, status = 200) => {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  return response.body as any;
};
const bidBody = {
  price: cny(60_000),
  durationDays: 60,
  approach: '采用环形光源与工业相机，基于深度学习的缺陷分割，现场标定与验收。',
  milestones: [
    { title: '方案设计与样机', amount: cny(20_000), dueInDays: 20 },
    { title: '现场调试与验收', amount: cny(40_000), dueInDays: 60 },
  ],
  team: studioTeam,
};

const draftId = ok(await enterprise.post('/v1/requests', requestBody(api, { title: '注塑件毛刺检测（草稿）' })), 201).id as string;
const biddingId = await openRequest(api, enterprise, association, { title: '电机装配线节拍优化' });
const openBidId = ok(await studio.post(`/v1/requests/${biddingId}/bids`, bidBody), 201).id as string;
const awardedId = await openRequest(api, enterprise, association, { title: '轴承尺寸在线测量' });
const awardedBidId = ok(await studio.post(`/v1/requests/${awardedId}/bids`, bidBody), 201).id as string;
const shares = [{ orgId: enterpriseOrg, bps: 6_000 }, { orgId: studioOrg, bps: 4_000 }];
const contractId = ok(
  await enterprise.post(`/v1/requests/${awardedId}/award`, { bidId: awardedBidId, shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT' } }),
  201,
).id as string;
ok(await enterprise.post(`/v1/contracts/${contractId}/sign`));
ok(await studio.post(`/v1/contracts/${contractId}/sign`));
ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/1/fund`, {}, { 'idempotency-key': 'web-pages-fund-1' }));
ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/2/fund`, {}, { 'idempotency-key': 'web-pages-fund-2' }));
const disputeId = ok(await enterprise.post(`/v1/contracts/${contractId}/milestones/2/dispute`, { reason: '现场节拍未达到 3 秒/件。' })).disputeId as string;
ok(await enterprise.post(`/v1/contracts/${contractId}/changes`, { reason: '延长验收期。', operations: [{ op: 'reviewWindow', days: 21 }] }), 201);
// Reviews: a terminated contract the enterprise alone has reviewed (sealed; the studio's form is open), and one both reviewed (published).
async function terminatedContract(title: string) {
  const requestId = await openRequest(api, enterprise, association, { title });
  const bidId = ok(await studio.post(`/v1/requests/${requestId}/bids`, bidBody), 201).id as string;
  const id = ok(await enterprise.post(`/v1/requests/${requestId}/award`, { bidId, shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT' } }), 201).id as string;
  ok(await enterprise.post(`/v1/contracts/${id}/sign`));
  ok(await studio.post(`/v1/contracts/${id}/sign`));
  ok(await association.post(`/v1/contracts/${id}/terminate`, { reason: '双方同意提前结束。' }, { 'idempotency-key': `web-pages-terminate-${requestId}` }));
  return id;
}
const ratings = { quality: 5, timeliness: 4, communication: 5 };
const sealedReviewContract = await terminatedContract('齿轮箱异响诊断');
ok(await enterprise.post(`/v1/contracts/${sealedReviewContract}/reviews`, { ratings, comment: '诊断准确，报告清楚。' }), 201);
const reviewedContract = await terminatedContract('涂装线能耗分析');
ok(await enterprise.post(`/v1/contracts/${reviewedContract}/reviews`, { ratings, comment: '分析细致，建议可落地。' }), 201);
ok(await studio.post(`/v1/contracts/${reviewedContract}/reviews`, { ratings, comment: '企业配合积极，数据齐全。' }), 201);
// Invitations: the enterprise invites the studio to a request it has not bid on.
const invitedRequest = await openRequest(api, enterprise, association, { title: '冲压件表面划痕检测' });
ok(await enterprise.post(`/v1/requests/${invitedRequest}/invitations`, { studioOrgId: studioOrg }), 201);
// A member who is not an owner: sees the members page without its form.
ok(await joinByInvitation(api, enterprise, enterpriseOrg, 'web-pages-member', { displayName: '王工' }), 201);
// Shared resources and talent mutual employment (issue 14): the college's lab with the enterprise's booking, and a proposed appointment.
const college = await api.as('demo-college');
const collegeOrg = await orgIdOf(college);
const labId = ok(
  await college.post('/v1/resources', {
    type: 'LAB', name: '工业视觉实训室', description: '配备 6 套工业相机与光源的实训室。', cluster: 'smart-manufacturing', capabilities: ['机器视觉'],
    location: '实训楼 B201', rules: '须经安全培训。', price: { unit: 'PER_HOUR', amount: cny(200) },
  }),
  201,
).id as string;
const bookingStart = Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 26 * 3_600_000;
const bookingId = ok(
  await enterprise.post(`/v1/resources/${labId}/bookings`, {
    start: new Date(bookingStart).toISOString(), end: new Date(bookingStart + 3 * 3_600_000).toISOString(), purpose: '焊缝样件成像试验',
  }),
  201,
).id as string;
const appointmentId = ok(
  await enterprise.post('/v1/appointments', {
    kind: 'INDUSTRY_TEACHER', counterpartOrgId: collegeOrg, cluster: 'smart-manufacturing', person: { name: '赵工', title: '高级工程师' },
    subject: '工业机器视觉课程', startDate: '2030-03-01', endDate: '2030-07-01', hoursPerMonth: 16,
  }),
  201,
).id as string;
// Pooled requests (issue 13): another enterprise of the cluster has joined the pool of an open request.
const pooledId = await openRequest(api, enterprise, association, { title: '焊接烟尘共性治理' });
const coFunder = await organisation(api, association, { type: 'ENTERPRISE', cluster: 'smart-manufacturing', name: '华盛机械有限公司' });
ok(await coFunder.caller.post(`/v1/requests/${pooledId}/pool/join`, { pledgeBps: 2_500 }));
const pooledBidId = ok(await studio.post(`/v1/requests/${pooledId}/bids`, bidBody), 201).id as string;

const browser = suiteBrowser(api.baseUrl, 'pages');

const KEYS = Object.keys(DICTIONARIES['zh-CN']);
const bodyText = () => browser.page.locator('body').innerText();

/**
 * The page is in `locale`, shows no dictionary key and no unfilled
 * `{placeholder}`; every visible control has a label and every
 * `aria-describedby` points at something that exists.
 */
async function expectTranslated(locale: Locale, where: string) {
  expect(await browser.page.locator('html').getAttribute('lang'), where).toBe(locale);
  const text = await bodyText();
  expect(KEYS.filter((key) => text.includes(key)), where).toEqual([]);
  expect(text.match(/\{[a-zA-Z]+\}/g), where).toBeNull();
  const unlabelled = await browser.page.evaluate(
    `[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => el.labels.length === 0).map((el) => el.name)`,
  );
  expect(unlabelled, where).toEqual([]);
  const dangling = await browser.page.evaluate(
    `[...document.querySelectorAll('[aria-describedby]')].flatMap((el) => el.getAttribute('aria-describedby').split(' ')).filter((id) => !document.getElementById(id))`,
  );
  expect(dangling, where).toEqual([]);
}

const PAGES: Record<string, string[]> = {
  'demo-enterprise': [
    '/', '/org', '/org/members', `/orgs/${studioOrg}`, '/requests', '/requests?status=OPEN', '/requests/new', `/requests/${draftId}`, `/requests/${draftId}/edit`,
    `/requests/${biddingId}`, `/requests/${biddingId}/bids`, `/requests/${biddingId}/award?bid=${openBidId}`, `/bids/${openBidId}`, '/contracts',
    `/contracts/${contractId}`, `/contracts/${contractId}/ledger`, '/accounts', `/disputes/${disputeId}`, `/audit?entity=request:${awardedId}`,
    `/audit?entity=contract:${contractId}`, '/notifications', '/feed',
  ],
  'demo-studio': ['/', '/feed', '/feed?cluster=smart-manufacturing&tag=机器视觉', `/requests/${biddingId}`, `/requests/${biddingId}/bid`, '/bids', `/bids/${openBidId}/edit`, '/accounts', `/contracts/${contractId}`],
  'demo-association': [
    '/', '/org/members', '/moderation/orgs', '/moderation/orgs?status=VERIFIED', '/moderation/requests', '/moderation/disputes', `/disputes/${disputeId}`, '/stats',
    '/stats?cluster=new-energy-vehicles', '/audit', `/audit?entity=dispute:${disputeId}`, `/requests/${biddingId}`, '/notifications',
    '/contracts?status=ACTIVE&cluster=smart-manufacturing&overdue=true',
  ],
  'demo-government': ['/', '/feed', '/contracts', '/accounts', '/funding'],
  // Each role's view: the association's contract list with filters, the college's studios and their bids.
  'demo-college': ['/', '/college/bids', '/contracts', '/accounts', `/bids/${openBidId}`, `/audit?entity=bid:${openBidId}`, '/org', '/org/studios', '/org/members'],
  'web-pages-member': ['/', '/org', '/org/members'],
  'web-newcomer': ['/', '/org/new', '/member-invitations/accept'],
};
// Shared resources and talent mutual employment (issue 14).
// A key `<identity>:<part>` signs in as <identity>: each list stays short enough for one test's time.
PAGES['demo-enterprise:issue14'] = ['/resources', '/resources?type=LAB&cluster=smart-manufacturing', `/resources/${labId}`, '/appointments', '/appointments/new', `/appointments/${appointmentId}`, `/audit?entity=booking:${bookingId}`];
PAGES['demo-college:issue14'] = ['/resources', '/resources/new', `/resources/${labId}`, '/appointments', '/appointments/new', `/appointments/${appointmentId}`, `/audit?entity=resource:${labId}`];
PAGES['demo-association:issue14'] = ['/resources', '/appointments', '/appointments?cluster=new-energy-vehicles', `/appointments/${appointmentId}`];
PAGES['demo-government:issue14'] = ['/resources', '/appointments'];
// The council's dashboard (issue 14): its members in the seed.
PAGES['demo-association:council'] = ['/council', '/council?cluster=new-energy-vehicles&months=12'];
PAGES['demo-government:council'] = ['/council'];
PAGES['demo-college:council'] = ['/council'];
// Technology contract registration and yearly distribution statements (issue 13).
PAGES['demo-association:issue13'] = ['/registrations', `/contracts/${contractId}/registration`, `/contracts/${contractId}/distribution?orgId=${enterpriseOrg}`];
PAGES['demo-college:issue13'] = ['/registrations', '/registrations?from=2020-01-01&to=2020-12-31'];
PAGES['demo-enterprise:issue13'] = [`/contracts/${contractId}/distribution`, `/contracts/${contractId}/registration`];

// People and education outcomes (issue 14): rosters, a contract whose team names roster people with its participation, a student's record.
const studioTeacher = ok(await studio.post(`/v1/orgs/${studioOrg}/people`, { kind: 'TEACHER', name: '王老师', title: '副教授' }), 201).id as string;
const studioStudent = ok(await studio.post(`/v1/orgs/${studioOrg}/people`, { kind: 'STUDENT', name: '李明', programme: '机电一体化技术', year: 2024 }), 201).id as string;
const collegeStudent = ok(await college.post(`/v1/orgs/${collegeOrg}/people`, { kind: 'STUDENT', name: '周芳', programme: '工业机器人技术', year: 2023 }), 201).id as string;
const mentorPerson = ok(await enterprise.post(`/v1/orgs/${enterpriseOrg}/people`, { kind: 'ENGINEER', name: '赵工', title: '高级工程师' }), 201).id as string;
const eduRequest = await openRequest(api, enterprise, association, { title: '焊缝视觉检测（育人）' });
const eduBid = ok(await studio.post(`/v1/requests/${eduRequest}/bids`, { ...bidBody, team: { personIds: [studioTeacher, studioStudent, collegeStudent] } }), 201).id as string;
const eduContract = ok(
  await enterprise.post(`/v1/requests/${eduRequest}/award`, { bidId: eduBid, shares: { benefitShares: shares, riskShares: shares, ipOwnership: 'JOINT' }, mentorPersonId: mentorPerson }),
  201,
).id as string;
ok(await enterprise.post(`/v1/contracts/${eduContract}/sign`));
ok(await studio.post(`/v1/contracts/${eduContract}/sign`));
for (const personId of [studioStudent, collegeStudent]) ok(await studio.post(`/v1/contracts/${eduContract}/milestones/1/participation`, { personId, hours: 12, role: '视觉算法', tasks: ['标定相机', '标注样本'] }));
ok(await studio.post(`/v1/contracts/${eduContract}/milestones/1/participation/sign-off`, {}));
ok(await enterprise.post(`/v1/contracts/${eduContract}/milestones/1/participation/sign-off`, {}));
ok(await studio.post(`/v1/contracts/${eduContract}/milestones/2/participation`, { personId: studioStudent, hours: 8, tasks: ['现场调试'] }));
for (const n of [1, 2]) {
  ok(await enterprise.post(`/v1/contracts/${eduContract}/milestones/${n}/fund`, {}, { 'idempotency-key': `web-pages-edu-fund-${n}` }));
  ok(await studio.post(`/v1/contracts/${eduContract}/milestones/${n}/submit`, { note: '交付' }));
  ok(await enterprise.post(`/v1/contracts/${eduContract}/milestones/${n}/accept`, {}, { 'idempotency-key': `web-pages-edu-accept-${n}` }));
}
const recordId = ok(await college.get(`/v1/colleges/${collegeOrg}/student-records`)).items[0].id as string;
PAGES['demo-studio:people'] = ['/people', '/people?kind=STUDENT', `/requests/${biddingId}/bid`, `/contracts/${eduContract}`, `/contracts/${eduContract}/participation`, `/records/${recordId}`];
PAGES['demo-enterprise:people'] = ['/people', `/requests/${biddingId}/award?bid=${openBidId}`, `/contracts/${eduContract}/participation`, `/records/${recordId}`];
PAGES['demo-college:people'] = ['/people', '/college/student-records', `/records/${recordId}`, `/audit?entity=studentRecord:${recordId}`];
// Pooled requests (issue 13): the pool page for the owner, a co-funder (with its leave button) and associations; the request's pool section.
PAGES['demo-enterprise:issue13-pools'] = [`/requests/${pooledId}`, `/requests/${pooledId}/pool`, `/requests/${pooledId}/award?bid=${pooledBidId}`];
PAGES[`${coFunder.caller.sub}:issue13-pools`] = [`/requests/${pooledId}`, `/requests/${pooledId}/pool`, `/requests/${biddingId}/pool`];
PAGES['demo-association:issue13-pools'] = [`/requests/${pooledId}/pool`];
// Subsidy programmes and college overhead (issue 13): an open programme, the enterprise's pending application, the college's rate.
const government = await api.as('demo-government');
const programmeDay = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const programmeId = ok(
  await government.post('/v1/programmes', {
    name: '共性技术攻关资助计划', budget: cny(5_000_000), maxBps: 3_000, clusters: ['smart-manufacturing'], opensOn: programmeDay, closesOn: '2099-12-31',
  }),
  201,
).id as string;
ok(await enterprise.post(`/v1/programmes/${programmeId}/applications`, { contractId, bps: 2_000 }), 201);
ok(await api.call('PUT', `/v1/orgs/${collegeOrg}/overhead`, college.token, { bps: 1_500 }));
PAGES['demo-government:issue13-programmes'] = ['/programmes', '/programmes/new', `/programmes/${programmeId}`, `/audit?entity=programme:${programmeId}`];
PAGES['demo-enterprise:issue13-programmes'] = ['/programmes', `/programmes/${programmeId}`, `/orgs/${collegeOrg}/overhead`];
PAGES['demo-college:issue13-programmes'] = [`/orgs/${collegeOrg}/overhead`, '/programmes'];

describe('every page in Chinese and English', () => {
  it('renders the sign-in page in both languages', async () => {
    for (const locale of LOCALES) {
      await browser.go(`/signin?lang=${locale}`);
      await expectTranslated(locale, `signin ${locale}`);
    }
    await browser.go('/signin?lang=zh-CN');
  });

  for (const [sub, paths] of Object.entries(PAGES)) {
    // Up to two dozen pages in two languages with screenshots: more than the default 30 s on a loaded machine.
    it(`renders ${sub}'s pages in both languages with no untranslated keys`, { timeout: 120_000 }, async () => {
      await browser.signInAs(sub.split(':')[0]!);
      for (const path of paths) {
        for (const locale of LOCALES) {
          const response = await browser.page.goto(new URL(`${path}${path.includes('?') ? '&' : '?'}lang=${locale}`, api.baseUrl).toString());
          const where = `${sub} ${path} ${locale}`;
          expect(response?.status(), where).toBe(200);
          await expectTranslated(locale, where);
        }
        const name = `${sub.replace(':', '-')}${path.replace(/[a-z]{3}_[0-9A-Z]{26}/g, (id) => id.slice(0, 3)).replace(/[^a-z0-9]+/gi, '-')}`;
        await browser.shot(`${name}-en-phone`, { width: 390 });
        await browser.go(`${path}${path.includes('?') ? '&' : '?'}lang=zh-CN`);
        await browser.shot(`${name}-zh`);
      }
    });
  }

  // Change orders (issue 12): the history and the form of the contract above, which has a proposed change.
  const CHANGE_PAGES: [string, string[]][] = [
    ['demo-enterprise', [`/contracts/${contractId}/changes`, `/contracts/${contractId}/changes/new`]],
    ['demo-studio', [`/contracts/${contractId}/changes`]],
  ];
  it('renders the change order pages in both languages with no untranslated keys', { timeout: 90_000 }, async () => {
    for (const [sub, paths] of CHANGE_PAGES) {
      await browser.signInAs(sub);
      for (const path of paths) {
        for (const locale of LOCALES) {
          const response = await browser.page.goto(new URL(`${path}?lang=${locale}`, api.baseUrl).toString());
          expect(response?.status(), `${sub} ${path} ${locale}`).toBe(200);
          await expectTranslated(locale, `${sub} ${path} ${locale}`);
        }
      }
    }
    await browser.go('/?lang=zh-CN');
  });
});

/** Reviews and invitations to bid (their own list, so each identity's round above stays within its time). */
const REVIEW_PAGES: Record<string, string[]> = {
  'demo-enterprise': [`/contracts/${sealedReviewContract}`, `/contracts/${reviewedContract}`, `/orgs/${studioOrg}`, `/requests/${invitedRequest}`, `/requests/${biddingId}/bids`],
  'demo-studio': ['/invitations', `/contracts/${sealedReviewContract}`, `/orgs/${studioOrg}`, `/orgs/${enterpriseOrg}`],
  'demo-association': [`/orgs/${studioOrg}`, `/contracts/${reviewedContract}`],
};

describe('the reviews and invitations pages in Chinese and English', () => {
  for (const [sub, paths] of Object.entries(REVIEW_PAGES)) {
    it(`renders ${sub}'s review and invitation pages in both languages`, { timeout: 120_000 }, async () => {
      await browser.signInAs(sub);
      for (const path of paths) {
        for (const locale of LOCALES) {
          const response = await browser.page.goto(new URL(`${path}?lang=${locale}`, api.baseUrl).toString());
          const where = `${sub} ${path} ${locale}`;
          expect(response?.status(), where).toBe(200);
          await expectTranslated(locale, where);
        }
      }
      await browser.go('/?lang=zh-CN');
    });
  }
});

describe('language, errors and protection', () => {
  it('switches to English from the header and remembers it, then back to Chinese', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    await browser.go('/feed');
    expect(await page.locator('h1').innerText()).toBe('需求大厅');
    await browser.submit(page.locator('.lang a', { hasText: 'English' }));
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('Open requests');
    await browser.go('/bids'); // no ?lang: the cookie remembers
    expect(await page.locator('h1').innerText()).toBe('My bids');
    expect(await page.locator('.amount, td.num').first().innerText()).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/);
    await browser.submit(page.locator('.lang a', { hasText: '中文' }));
    expect(await page.locator('h1').innerText()).toBe('我的方案');
  });

  it('shows 404, 403 and 409 as pages in the visitor’s language, and keeps the API’s errors JSON', async () => {
    const { page } = browser;
    await browser.signInAs('demo-studio');
    let response = await page.goto(new URL('/requests/req_01JD0000000000000000000000', api.baseUrl).toString());
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('页面不存在');
    await browser.shot('error-404-zh');
    response = await page.goto(new URL('/no/such/page?lang=en', api.baseUrl).toString());
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Page not found');
    await browser.go('/?lang=zh-CN');

    response = await page.goto(new URL('/moderation/orgs', api.baseUrl).toString());
    expect(response?.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('没有权限');
    expect(await page.locator('.error-page .lead').innerText()).toBe('您的机构类型不能进行此操作。');
    await browser.shot('error-403-zh');

    // A form that is out of date: the request is OPEN, so submitting it again conflicts.
    await browser.signInAs('demo-enterprise');
    await browser.go(`/requests/${biddingId}`);
    const action = `/requests/${biddingId}/submit`;
    await Promise.all([
      page.waitForNavigation(),
      page.evaluate(`(() => {
        const form = document.createElement('form');
        form.method = 'post';
        form.action = ${JSON.stringify(action)};
        document.body.append(form);
        form.submit();
      })()`),
    ]);
    expect(await page.locator('[data-error-status]').getAttribute('data-error-status')).toBe('409');
    expect(await page.locator('.error-page .lead').innerText()).toBe('当前状态下不能进行此操作，请刷新页面查看最新状态。');
    await browser.shot('error-409-zh');

    const json = await fetch(new URL('/v1/requests/req_01JD0000000000000000000000', api.baseUrl), { headers: { accept: 'text/html', authorization: `Bearer ${enterprise.token}` } });
    expect(json.status).toBe(404);
    expect(json.headers.get('content-type')).toContain('application/json');
  });

  it('refuses a cross-site form post and keeps the session cookie HTTP-only', async () => {
    const cookies = await browser.context.cookies();
    const session = cookies.find((cookie) => cookie.name === 'st_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false }); // http on loopback; Secure over https
    const forged = await fetch(new URL('/requests/new', api.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', cookie: `st_session=${session!.value}` },
      body: new URLSearchParams({ title: '伪造的需求' }),
    });
    expect(forged.status).toBe(403);
    const mine = await enterprise.get('/v1/requests?mine=true');
    expect(mine.body.items.map((request: { title: string }) => request.title)).not.toContain('伪造的需求');
  });

  it('redirects to sign-in without a session and comes back afterwards', async () => {
    const { page } = browser;
    await browser.go('/signin');
    await browser.submit(page.locator('form[action="/signout"] button'));
    await browser.go('/contracts');
    expect(new URL(page.url()).pathname).toBe('/signin');
    await page.check('input[name="identity"][value="demo-enterprise"]');
    await browser.submit(page.locator('form[action="/signin"] button[type="submit"]'));
    expect(new URL(page.url()).pathname).toBe('/contracts');
  });
});

describe('organisations and disputes through the pages', () => {
  it('a newcomer registers a studio (with messages beside the fields) and the association verifies it', async () => {
    const { page } = browser;
    await browser.signInAs('web-new-studio');
    expect(await page.locator('a.button', { hasText: '登记机构' }).count()).toBe(1);
    await browser.go('/org/new');
    await page.selectOption('#f-type', 'STUDIO');
    await browser.submit(page.locator('button', { hasText: '提交登记' }));
    expect(await page.locator('#f-name-error').innerText()).toContain('至少需要 2 个字');
    expect(await page.locator('#f-collegeId-error').innerText()).toContain('教师工作室必须选择所属院校');
    await browser.shot('register-errors');
    await page.fill('#f-name', '工业互联网教师工作室');
    await page.selectOption('#f-collegeId', { label: '市职业技术学院' });
    await page.fill('#f-capabilities', '工业互联网, 数据采集');
    await browser.submit(page.locator('button', { hasText: '提交登记' }));
    expect(await page.locator('.flash').innerText()).toBe('机构已登记，等待行业协会审核。');
    expect(await page.locator('.badge').first().getAttribute('data-status')).toBe('PENDING');

    await browser.signInAs('demo-association');
    await browser.go('/moderation/orgs');
    const row = page.locator('li.item', { hasText: '工业互联网教师工作室' });
    await browser.submit(row.locator('button[value="REJECT"]'));
    expect(await page.locator('.field.has-error .error').innerText()).toContain('请说明原因');
    await browser.go('/moderation/orgs');
    await browser.submit(page.locator('li.item', { hasText: '工业互联网教师工作室' }).locator('button', { hasText: '认证通过' }));
    expect(await page.locator('.flash').innerText()).toBe('机构已认证。');
    expect(await page.locator('li.item', { hasText: '工业互联网教师工作室' }).count()).toBe(0);

    await browser.signInAs('web-new-studio');
    await browser.go('/notifications');
    expect(await page.locator('.notifications').innerText()).toContain('机构「工业互联网教师工作室」已通过认证');
  });

  it('the association decides a dispute with a split given in percent', async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go('/moderation/disputes');
    await browser.submit(page.locator(`li[data-dispute-id="${disputeId}"] h2 a`));
    await page.selectOption('#f-outcome', 'SPLIT');
    await browser.submit(page.locator('button', { hasText: '作出裁决' }));
    expect(await page.locator('#f-studioBps-error').count()).toBe(1);
    await page.fill('#f-studioBps', '25');
    await page.fill('#f-note', '双方各有责任：完成了一部分调试。');
    await browser.shot('dispute-resolve-form');
    await browser.submit(page.locator('button', { hasText: '作出裁决' }));
    expect(await page.locator('.flash').innerText()).toBe('纠纷已裁决。');
    expect(await page.locator('main').innerText()).toContain('按比例分配：工作室 25.00%');

    await browser.signInAs('demo-studio');
    await browser.go(`/contracts/${contractId}/ledger`);
    // 25% of the ¥40,000 milestone went to the studio.
    expect(await page.locator('.balances [data-account^="earnings:"] dd').innerText()).toBe('¥10,000.00');
    await browser.shot('ledger-after-split');
  });

  it('a party reports a benefit, split by the agreed shares to the fen', async () => {
    const { page } = browser;
    await browser.signInAs('demo-enterprise');
    await browser.go(`/contracts/${contractId}`);
    await page.locator('summary', { hasText: '报告收益或损失' }).click();
    await page.fill('#f-amount', '10000.01');
    await browser.submit(page.locator('form[action$="/statements"] button[type="submit"]'));
    expect(await page.locator('#f-kind-error').innerText()).toContain('请填写此项');
    await page.selectOption('#f-kind', 'BENEFIT');
    await page.fill('#f-note', '检测设备对外销售许可收入');
    await browser.submit(page.locator('form[action$="/statements"] button[type="submit"]'));
    expect(await page.locator('.flash').innerText()).toBe('已记录，并按约定比例分配给各方。');
    const statement = page.locator('.statements li[data-kind="BENEFIT"]');
    // 60% and 40% of ¥10,000.01: the odd fen goes to the larger remainder, and the parts sum to the whole.
    expect(await statement.innerText()).toContain('精工零部件制造有限公司 ¥6,000.01（60.00%）');
    expect(await statement.innerText()).toContain('智能视觉技术教师工作室 ¥4,000.00（40.00%）');
    await browser.shot('contract-benefit-reported');
  });

  it('the association terminates the contract; the escrow goes back to the funder', async () => {
    const { page } = browser;
    await browser.signInAs('demo-association');
    await browser.go(`/contracts/${contractId}`);
    const accept = (dialog: import('playwright-core').Dialog) => void dialog.accept();
    page.on('dialog', accept); // the page asks once more before an irreversible step
    try {
      await browser.submit(page.locator('form[action$="/terminate"] button'));
      expect(await page.locator('#f-reason-error').innerText()).toContain('请说明原因');
      await page.fill('#f-reason', '企业产线搬迁，项目无法继续。');
      await browser.submit(page.locator('form[action$="/terminate"] button'));
    } finally {
      page.off('dialog', accept);
    }
    expect(await page.locator('.flash').innerText()).toBe('合同已终止，托管资金已退回出资方。');
    expect(await page.locator('.page-header .badge').getAttribute('data-status')).toBe('TERMINATED');
    expect(await page.locator('.balances [data-account^="escrow:"] dd').innerText()).toBe('¥0.00');
    await browser.shot('contract-terminated');
  });
});

describe('the inbox read state through the pages', () => {
  it('shows the unread count beside “通知”, marks unread items, and “全部标为已读” clears both', async () => {
    const { page } = browser;
    const unread = ok(await enterprise.get('/v1/notifications')) as { unreadCount: number; unreadCountCapped: boolean };
    expect(unread.unreadCount).toBeGreaterThan(0);
    expect(unread.unreadCountCapped).toBe(false);

    await browser.signInAs('demo-enterprise');
    await browser.go('/?lang=zh-CN');
    const badge = page.locator('.main-nav a[href="/notifications"] .nav-badge');
    expect(await badge.getAttribute('data-unread-count')).toBe(String(unread.unreadCount));
    // Screen readers hear the count in words with the link, not a bare number.
    const link = page.locator('.main-nav').getByRole('link', { name: new RegExp(`^通知\\s*（${unread.unreadCount} 条未读）$`) });
    expect(await link.count(), await page.locator('.main-nav a[href="/notifications"]').evaluate((a) => a.textContent)).toBe(1);

    await browser.go('/notifications');
    const unreadItems = page.locator('.notifications li.unread');
    expect(await unreadItems.count()).toBe(Math.min(unread.unreadCount, 20));
    expect(await unreadItems.first().locator('.unread-mark').innerText()).toBe('未读');
    expect(await page.locator('[data-unread-summary]').innerText()).toBe(`${unread.unreadCount} 条未读`);
    await browser.shot('notifications-unread');

    await browser.submit(page.locator('form[action="/notifications/read"] button', { hasText: '全部标为已读' }));
    expect(new URL(page.url()).pathname).toBe('/notifications');
    expect(await page.locator('.flash').innerText()).toBe('已标为已读。');
    expect(await unreadItems.count()).toBe(0);
    expect(await page.locator('.notifications li[data-read="true"]').count()).toBeGreaterThan(0);
    expect(await badge.count()).toBe(0);
    expect(await page.locator('form[action="/notifications/read"]').count()).toBe(0);
    expect(ok(await enterprise.get('/v1/notifications'))).toMatchObject({ unreadCount: 0, unreadCountCapped: false });
    await browser.shot('notifications-all-read');
  });
});
