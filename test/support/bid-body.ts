/**
 * Request bodies shared by the tests and the bench. No vitest import here: the
 * bench runs these outside a test runner.
 */
export const cny = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' as const });

/**
 * A valid bid of the studio whose roster `team` names (roster person ids, at
 * least one teacher): price split over milestones that add up to it exactly.
 */
export function bidBody(team: { personIds: readonly string[] }, priceYuan = 90_000, overrides: Record<string, unknown> = {}) {
  const first = Math.floor(priceYuan / 3);
  return {
    price: cny(priceYuan),
    durationDays: 90,
    approach: '采用结构光与深度学习相结合的检测方案，先离线验证再上线。',
    milestones: [
      { title: '方案设计与样机', amount: cny(first), dueInDays: 30 },
      { title: '现场部署与验收', amount: cny(priceYuan - first), dueInDays: 90 },
    ],
    team: { personIds: [...team.personIds] },
    ...overrides,
  };
}
