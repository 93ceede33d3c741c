import { addDays, shanghaiDate } from '@sharedtech/core';
import { listBookingsOfOrg, listContractsOfOrganisation, listResources, readAll } from '@sharedtech/data';
import { actOnBooking, bookResource, registerResource, type RegisterResourceInput } from '@sharedtech/services';
import { DEMO_IDENTITIES as who, EV, SMART, cny } from './cast.js';
import type { DemoContext, DemoStage } from './context.js';

/** The owner's resource with this name, registered if missing. */
async function ensureResource(ctx: DemoContext, ownerSub: string, input: RegisterResourceInput): Promise<string> {
  const ownerOrgId = await ctx.orgOf(ownerSub);
  const existing = await readAll((page) => listResources(ctx.deps.db, { ownerOrgId }, page));
  const found = existing.find((resource) => resource.name === input.name);
  if (found) return found.id;
  ctx.changed();
  return (await registerResource(ctx.deps, await ctx.as(ownerSub), input)).id;
}

interface DemoBooking {
  booker: string;
  owner: string;
  resourceId: string;
  /** Days from the seed's day, and the Asia/Shanghai wall hours it runs. */
  inDays: number;
  from: number;
  to: number;
  purpose: string;
  contractTitle?: string;
  approved: boolean;
}

const wallHour = (date: string, hour: number) => `${date}T${String(hour).padStart(2, '0')}:00:00+08:00`;

/** The booker's booking of this resource for this purpose, made if missing and approved by the owner if its story says so. */
async function ensureBooking(ctx: DemoContext, story: DemoBooking) {
  const bookerOrgId = await ctx.orgOf(story.booker);
  const mine = await readAll((page) => listBookingsOfOrg(ctx.deps.db, bookerOrgId, 'BOOKER', undefined, page));
  let booking: { id: string; status: string } | undefined = mine.find((candidate) => candidate.resourceId === story.resourceId && candidate.purpose === story.purpose);
  if (!booking) {
    const day = shanghaiDate(addDays(ctx.now, story.inDays));
    const contracts = story.contractTitle ? await readAll((page) => listContractsOfOrganisation(ctx.deps.db, bookerOrgId, page)) : [];
    const contractId = contracts.find((contract) => contract.title === story.contractTitle)?.id;
    booking = await bookResource(ctx.deps, await ctx.as(story.booker), story.resourceId, {
      start: wallHour(day, story.from),
      end: wallHour(day, story.to),
      purpose: story.purpose,
      ...(contractId ? { contractId } : {}),
    });
    ctx.changed();
  }
  if (story.approved && booking.status === 'PENDING') {
    await actOnBooking(ctx.deps, await ctx.as(story.owner), story.resourceId, booking.id, 'approve');
    ctx.changed();
  }
}

/** Shared labs, equipment and data, with bookings approved and awaiting approval (one serves a contract). */
export const resourcesStage: DemoStage = {
  name: 'resources',
  async run(ctx) {
    const resources: [string, RegisterResourceInput][] = [
      [who.college, {
        type: 'LAB', name: '机器视觉开放实训中心', description: '12 套工业视觉实训台，配 500 万像素相机、远心镜头与多种光源，可做成像与算法验证。',
        cluster: SMART, capabilities: ['机器视觉', '在线测量'], location: '市职业技术学院 实训楼 A305', rules: '须经安全培训；由实训中心管理员开机，使用后清点镜头。', price: { unit: 'FREE' },
      }],
      [who.enterprise, {
        type: 'EQUIPMENT', name: '三坐标测量机（海克斯康 Global S）', description: '测量范围 700×1000×660 mm，示值误差 1.7+L/333 µm，恒温计量室。',
        cluster: SMART, capabilities: ['在线测量', '质量检测'], location: '精工零部件 计量中心', rules: '由本公司计量员操作；样件须提前一天送达。', price: { unit: 'PER_HOUR', amount: cny(200) },
      }],
      [who.collegeEv, {
        type: 'LAB', name: '动力电池测试实验室', description: '电池充放电测试系统 8 通道、内阻测试仪与环境箱，可做模组级性能与一致性测试。',
        cluster: EV, capabilities: ['电池检测', '数据采集'], location: '市交通职业技术学院 新能源楼 101', rules: '须由实验室教师陪同；禁止带入未经检验的电芯。', price: { unit: 'PER_DAY', amount: cny(1_500) },
      }],
      [who.studioBattery, {
        type: 'DATASET', name: '充电桩运行日志脱敏数据集', description: '2 万台充电桩一年的运行日志（已脱敏），含故障标注，供教学与算法研究。',
        cluster: EV, capabilities: ['数据采集', '故障诊断'], location: '工作室数据平台（线上交付）', rules: '仅限教学与研究，不得再分发。', price: { unit: 'FREE' },
      }],
    ];
    const [visionLab, cmm, batteryLab] = await ctx.parallel(resources, ([owner, input]) => ensureResource(ctx, owner, input));

    const bookings: DemoBooking[] = [
      {
        booker: who.enterprise, owner: who.college, resourceId: visionLab!, inDays: 3, from: 9, to: 12,
        purpose: '齿轮箱零件 3D 成像试验（工位三样机）', contractTitle: '齿轮箱装配视觉引导与防错', approved: true,
      },
      { booker: who.studioRobotics, owner: who.enterprise, resourceId: cmm!, inDays: 5, from: 14, to: 17, purpose: '快换夹具定位精度复测', approved: false },
      { booker: who.enterpriseEv, owner: who.collegeEv, resourceId: batteryLab!, inDays: 7, from: 9, to: 17, purpose: '电池包模组一致性对比测试', approved: true },
    ];
    await ctx.parallel(bookings, (booking) => ensureBooking(ctx, booking));
  },
};
