/**
 * A generated corpus of technical requests in the two demo clusters, in Chinese
 * and English, for the search tests. Each topic's phrase is placed in the title,
 * the summary or the tags only, so ranking by field can be checked too.
 */

export type Placement = 'title' | 'summary' | 'tags';

interface Topic {
  id: string;
  cluster: 'smart-manufacturing' | 'new-energy-vehicles';
  zh: string;
  en: string;
  zhTags: string[];
  enTags: string[];
}

export const TOPICS: Topic[] = [
  { id: 'weld', cluster: 'smart-manufacturing', zh: '焊缝检测', en: 'weld seam inspection', zhTags: ['机器视觉', '工业相机'], enTags: ['machine vision'] },
  { id: 'vision', cluster: 'smart-manufacturing', zh: '机器视觉定位', en: 'machine vision positioning', zhTags: ['机器视觉', '定位'], enTags: ['machine vision'] },
  { id: 'plc', cluster: 'smart-manufacturing', zh: 'PLC程序改造', en: 'PLC program retrofit', zhTags: ['PLC', '自动化'], enTags: ['PLC', 'automation'] },
  { id: 'twin', cluster: 'smart-manufacturing', zh: '数字孪生产线', en: 'digital twin of the production line', zhTags: ['数字孪生'], enTags: ['digital twin'] },
  { id: 'maintenance', cluster: 'smart-manufacturing', zh: '预测性维护', en: 'predictive maintenance', zhTags: ['设备管理'], enTags: ['maintenance'] },
  { id: 'robot', cluster: 'smart-manufacturing', zh: '工业机器人打磨', en: 'robotic grinding', zhTags: ['工业机器人'], enTags: ['robotics'] },
  { id: 'moulding', cluster: 'smart-manufacturing', zh: '注塑工艺优化', en: 'injection moulding optimisation', zhTags: ['注塑'], enTags: ['injection moulding'] },
  { id: 'mes', cluster: 'smart-manufacturing', zh: 'MES系统对接', en: 'MES integration', zhTags: ['MES', '信息化'], enTags: ['MES'] },
  { id: 'bms', cluster: 'new-energy-vehicles', zh: '电池管理系统', en: 'battery management system', zhTags: ['BMS', '电池'], enTags: ['BMS', 'battery'] },
  { id: 'motor', cluster: 'new-energy-vehicles', zh: '电机控制器标定', en: 'motor controller calibration', zhTags: ['电机控制'], enTags: ['motor control'] },
  { id: 'thermal', cluster: 'new-energy-vehicles', zh: '热管理仿真', en: 'thermal management simulation', zhTags: ['热管理', '仿真'], enTags: ['thermal management', 'simulation'] },
  { id: 'charging', cluster: 'new-energy-vehicles', zh: '充电桩通信协议', en: 'charging pile communication protocol', zhTags: ['充电'], enTags: ['charging'] },
  { id: 'leak', cluster: 'new-energy-vehicles', zh: '电池包气密性检测', en: 'battery pack leak testing', zhTags: ['电池', '质量检测'], enTags: ['battery', 'quality inspection'] },
  { id: 'lightweight', cluster: 'new-energy-vehicles', zh: '轻量化车身设计', en: 'lightweight body design', zhTags: ['轻量化'], enTags: ['lightweight'] },
  { id: 'vcu', cluster: 'new-energy-vehicles', zh: '整车控制器软件开发', en: 'VCU software development', zhTags: ['VCU', '整车控制'], enTags: ['VCU'] },
];

// Generic text shares no word or bigram with the queries of the tests.
const ZH_TITLES = ['技术攻关需求', '联合研发项目', '工艺提升合作'];
const ZH_SUMMARIES = [
  '现有人工方式效率较低，希望引入成熟方案，并完成现场调试与培训。',
  '企业计划在年内完成升级，需要院校团队提供方案设计、实施与验收支持。',
  '产品订单增长较快，希望缩短交付周期，欢迎教师工作室提出可行方案。',
];
const ZH_PLACES = ['一号车间', '总装车间', '新建工厂'];
const EN_TITLES = ['Joint development project', 'Technical support wanted', 'Process upgrade project'];
const EN_SUMMARIES = [
  'Our current manual process is slow; we want a proven solution with on-site commissioning and training.',
  'The company plans an upgrade this year and wants a college team for delivery and acceptance.',
  'Orders are growing fast and lead times must shrink; studios are welcome to propose a feasible plan.',
];
const EN_PLACES = ['our main plant', 'a new workshop', 'the assembly hall'];

export interface CorpusEntry {
  key: string;
  topic: string;
  lang: 'zh' | 'en';
  placement: Placement;
  content: { title: string; summary: string; tags: string[]; cluster: string };
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The n-th request of the corpus: topics in turn, then language and placement vary. */
export function corpusEntry(n: number): CorpusEntry {
  const topic = TOPICS[n % TOPICS.length]!;
  const round = Math.floor(n / TOPICS.length);
  // 9 in 15 Chinese (title, summary, tags in turn), 6 in 15 English (title, summary in turn).
  const variant = round % 15;
  const lang = variant < 9 ? 'zh' : 'en';
  const placement: Placement = lang === 'zh' ? (['title', 'summary', 'tags'] as const)[variant % 3]! : (['title', 'summary'] as const)[variant % 2]!;
  const pick = <T>(list: readonly T[]) => list[round % list.length]!;
  let content: CorpusEntry['content'];
  if (lang === 'zh') {
    content = {
      title: placement === 'title' ? `${pick(ZH_PLACES)}${topic.zh}` : pick(ZH_TITLES),
      summary: placement === 'summary' ? `需要${topic.zh}方面的技术支持。${pick(ZH_SUMMARIES)}` : pick(ZH_SUMMARIES),
      tags: placement === 'tags' ? [...topic.zhTags, topic.zh] : topic.zhTags,
      cluster: topic.cluster,
    };
  } else {
    content = {
      title: placement === 'title' ? `${capitalise(topic.en)} for ${pick(EN_PLACES)}` : pick(EN_TITLES),
      summary: placement === 'summary' ? `We need support on ${topic.en}. ${pick(EN_SUMMARIES)}` : pick(EN_SUMMARIES),
      tags: topic.enTags,
      cluster: topic.cluster,
    };
  }
  return { key: `c${n}`, topic: topic.id, lang, placement, content };
}

export const corpus = (size: number, from = 0) => Array.from({ length: size }, (_, index) => corpusEntry(from + index));

/** All the text of an entry (for the expected hits, written as plain string tests). */
export const textOf = (entry: CorpusEntry) => [entry.content.title, entry.content.summary, ...entry.content.tags].join(' ');
/** Its latin words, lower-cased. */
export const wordsOf = (entry: CorpusEntry) => new Set((textOf(entry).normalize('NFKC').toLowerCase().match(/[a-z0-9]+/g) ?? []));

/** Runs `task` over `items`, `concurrency` at a time. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index]!, index);
      }
    }),
  );
  return results;
}
