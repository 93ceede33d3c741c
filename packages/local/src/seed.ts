import { addDays, withCreditCodeCheck, type RequestContent } from '@sharedtech/core';
import { listRequestsOfOrganisation, readAll } from '@sharedtech/data';
import type { AppDeps } from '@sharedtech/app';
import {
  createAssociation, decideAffiliation, loadPrincipal, createRequest, decideVerification, registerOrganisation, reviewRequest, submitRequest,
} from '@sharedtech/services';

export const DEMO_IDENTITIES = {
  association: 'demo-association',
  college: 'demo-college',
  studio: 'demo-studio',
  enterprise: 'demo-enterprise',
  government: 'demo-government',
} as const;

/** Valid (GB 32100-2015) but made-up unified social credit codes of the demo bodies (12: a public institution, 11: an organ of state, 91: a company). */
export const DEMO_CREDIT_CODES = {
  college: withCreditCodeCheck('12440300MB0000010'),
  government: withCreditCodeCheck('11440300MB0000020'),
  enterprise: withCreditCodeCheck('91440300MA5D00030'),
} as const;

/**
 * Seeds the demo consortium through the same services the API uses, so the
 * demo data has audit trails and notifications like real data. Every step
 * first looks at what exists, so running it again (or after a crash half-way)
 * adds nothing twice.
 */
export async function seedDemoConsortium(deps: AppDeps): Promise<{ created: boolean }> {
  let created = false;
  let association = await loadPrincipal(deps.db, DEMO_IDENTITIES.association);
  if (!association.membership) {
    await createAssociation(deps, { name: '市智能制造产业协会', ownerSub: DEMO_IDENTITIES.association, cluster: 'smart-manufacturing' });
    association = await loadPrincipal(deps.db, DEMO_IDENTITIES.association);
    created = true;
  }

  const ensureVerifiedOrg = async (sub: string, input: Parameters<typeof registerOrganisation>[2]) => {
    let principal = await loadPrincipal(deps.db, sub);
    if (!principal.membership) {
      await registerOrganisation(deps, principal, input);
      principal = await loadPrincipal(deps.db, sub);
      created = true;
    }
    if (principal.org?.status === 'PENDING') {
      await decideVerification(deps, association, principal.org.id, { decision: 'VERIFY' });
      principal = await loadPrincipal(deps.db, sub);
    }
    return principal;
  };

  const college = await ensureVerifiedOrg(DEMO_IDENTITIES.college, {
    type: 'COLLEGE',
    name: '市职业技术学院',
    cluster: 'smart-manufacturing',
    creditCode: DEMO_CREDIT_CODES.college,
  });
  const studio = await ensureVerifiedOrg(DEMO_IDENTITIES.studio, {
    type: 'STUDIO',
    name: '智能视觉技术教师工作室',
    cluster: 'smart-manufacturing',
    collegeId: college.org!.id,
    capabilities: ['机器视觉', '工业机器人', 'PLC', '电池检测'],
  });
  // The demo college has accepted the demo studio as its own, so it is a party to the studio's contracts.
  if (studio.org?.collegeId === college.org!.id && studio.org.affiliation !== 'ACCEPTED' && studio.org.affiliation !== 'REJECTED') {
    await decideAffiliation(deps, college, studio.org.id, { decision: 'ACCEPT' });
  }
  await ensureVerifiedOrg(DEMO_IDENTITIES.government, { type: 'GOVERNMENT', name: '市科学技术局', creditCode: DEMO_CREDIT_CODES.government });
  const enterprise = await ensureVerifiedOrg(DEMO_IDENTITIES.enterprise, {
    type: 'ENTERPRISE',
    name: '精工零部件制造有限公司',
    cluster: 'smart-manufacturing',
    creditCode: DEMO_CREDIT_CODES.enterprise,
  });

  // Each demo request is found by its title, so a seed that stopped half-way finishes the rest without duplicates.
  const existing = await readAll((page) => listRequestsOfOrganisation(deps.db, enterprise.org!.id, page));
  for (const content of demoRequests(deps.clock())) {
    let request = existing.find((candidate) => candidate.title === content.title);
    if (!request) {
      request = await createRequest(deps, enterprise, content);
      created = true;
    }
    if (request.status === 'DRAFT') request = await submitRequest(deps, enterprise, request.id);
    if (request.status === 'SUBMITTED') await reviewRequest(deps, association, request.id, { decision: 'APPROVE' });
  }
  return { created };
}

const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' as const });

function demoRequests(now: Date): RequestContent[] {
  const deadline = addDays(now, 30).toISOString();
  const wantedBy = addDays(now, 120).toISOString();
  return [
    {
      title: '轴承外圈表面缺陷视觉检测',
      summary: '产线需要对轴承外圈的划痕、压伤进行在线视觉检测，替代人工目检。',
      details: '节拍 2 秒/件，缺陷最小 0.2 mm；现有工业相机两台，需要光源与算法方案及现场调试。',
      cluster: 'smart-manufacturing',
      tags: ['机器视觉', '质量检测'],
      budget: { min: cny(80_000), max: cny(150_000) },
      biddingDeadline: deadline,
      wantedBy,
      ipPreference: 'JOINT',
    },
    {
      title: '数控车床上下料机器人改造',
      summary: '为三台数控车床加装协作机器人上下料，减少夜班人工。',
      details: '工件 0.5–3 kg，需夹具设计、安全围栏与 PLC 联动。',
      cluster: 'smart-manufacturing',
      tags: ['工业机器人', 'PLC'],
      budget: { min: cny(120_000), max: cny(200_000) },
      biddingDeadline: deadline,
      wantedBy,
      ipPreference: 'ENTERPRISE',
    },
    {
      title: '动力电池模组一致性检测工装',
      summary: '新能源电池模组出厂前的电压内阻一致性检测工装与数据采集。',
      details: '每个模组 12 串，需要自动记录并上传 MES，检测时间不超过 30 秒。',
      cluster: 'new-energy-vehicles',
      tags: ['电池检测', '数据采集'],
      budget: { min: cny(50_000), max: cny(90_000) },
      biddingDeadline: deadline,
      wantedBy,
      ipPreference: 'COLLEGE',
    },
  ];
}
