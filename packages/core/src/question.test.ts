import { describe, expect, it } from 'vitest';
import { questionAudience, questionLifecycle, viewOfQuestion, type Question } from './question.js';

const asked: Question = {
  id: 'qst_01JD0000000000000000000001',
  requestId: 'req_01JD0000000000000000000001',
  requestOwnerOrgId: 'org_owner',
  askerOrgId: 'org_asker',
  askedBy: 'studio-li',
  text: '节拍 3 秒是否包含上下料时间？',
  status: 'OPEN',
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  version: 1,
};
const answered = (visibility: 'PUBLIC' | 'PRIVATE'): Question => ({
  ...asked,
  status: 'ANSWERED',
  answer: { text: '不包含，上下料另计 1 秒。', visibility, answeredBy: 'boss', at: '2026-12-02T00:00:00.000Z' },
  version: 2,
});
const rival = { orgId: 'org_rival', isAssociation: false, maySeeDetails: true };

describe('question visibility', () => {
  it('shows an unanswered question only to the owner, the asker and associations', () => {
    expect(questionAudience({ orgId: 'org_owner', isAssociation: false, maySeeDetails: true }, asked)).toBe('FULL');
    expect(questionAudience({ orgId: 'org_asker', isAssociation: false, maySeeDetails: true }, asked)).toBe('FULL');
    expect(questionAudience({ orgId: 'org_assoc', isAssociation: true, maySeeDetails: true }, asked)).toBe('FULL');
    expect(questionAudience(rival, asked)).toBe('NONE');
  });

  it('publishes a public answer to those who may read the details, without the asker', () => {
    const view = viewOfQuestion(rival, answered('PUBLIC'));
    expect(view).toMatchObject({ text: asked.text, answer: { text: '不包含，上下料另计 1 秒。', visibility: 'PUBLIC' }, askedByMe: false });
    expect(view).not.toHaveProperty('askerOrgId');
    expect(view).not.toHaveProperty('askedBy');
    expect(view?.answer).not.toHaveProperty('answeredBy');
    expect(viewOfQuestion({ orgId: 'org_enterprise', isAssociation: false, maySeeDetails: false }, answered('PUBLIC'))).toBeUndefined();
  });

  it('keeps a private answer between the owner and the asker', () => {
    expect(viewOfQuestion(rival, answered('PRIVATE'))).toBeUndefined();
    expect(viewOfQuestion({ orgId: 'org_asker', isAssociation: false, maySeeDetails: true }, answered('PRIVATE'))).toMatchObject({ askedByMe: true, askerOrgId: 'org_asker' });
  });

  it('answers a question once', () => {
    expect(questionLifecycle.next('OPEN', 'answer')).toBe('ANSWERED');
    expect(() => questionLifecycle.next('ANSWERED', 'answer')).toThrow(/Cannot answer a question that is ANSWERED/);
  });
});
