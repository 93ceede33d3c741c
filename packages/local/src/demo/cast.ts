import { withCreditCodeCheck } from '@sharedtech/core';

/**
 * Who is who in the demo consortium. The first five are the owners of one
 * organisation of each type (the order is the sign-in picker's); the others
 * are further owners and two members who sign in as themselves.
 */
export const DEMO_IDENTITIES = {
  association: 'demo-association',
  college: 'demo-college',
  studio: 'demo-studio',
  enterprise: 'demo-enterprise',
  government: 'demo-government',
  /** A second studio of 市职业技术学院. */
  studioRobotics: 'demo-studio-robotics',
  /** The second college, in the new-energy-vehicles cluster, and its studio. */
  collegeEv: 'demo-college-ev',
  studioBattery: 'demo-studio-battery',
  /** Two more enterprises, one per cluster. */
  enterpriseEv: 'demo-enterprise-ev',
  enterpriseMould: 'demo-enterprise-mould',
  /** A teacher who is a member (not an owner) of 智能视觉技术教师工作室. */
  teacher: 'demo-teacher',
  /** An engineer who is a member of 精工零部件制造有限公司. */
  engineer: 'demo-engineer',
  /** A third enterprise of the smart-manufacturing cluster: owner of the pooled contract (joins the demo with the pools stage). */
  enterpriseSpring: 'demo-enterprise-spring',
} as const;

/** Valid (GB 32100-2015) but made-up unified social credit codes of the demo bodies (12: a public institution, 11: an organ of state, 91: a company). */
export const DEMO_CREDIT_CODES = {
  college: withCreditCodeCheck('12440300MB0000010'),
  government: withCreditCodeCheck('11440300MB0000020'),
  enterprise: withCreditCodeCheck('91440300MA5D00030'),
  collegeEv: withCreditCodeCheck('12440300MB0000040'),
  enterpriseEv: withCreditCodeCheck('91440300MA5D00050'),
  enterpriseMould: withCreditCodeCheck('91440300MA5D00060'),
  enterpriseSpring: withCreditCodeCheck('91440300MA5D00070'),
} as const;

export const SMART = 'smart-manufacturing';
export const EV = 'new-energy-vehicles';

/** Yuan to the API's money (integer fen). */
export const cny = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' as const });

/** A budget range in yuan. */
export const yuanRange = (min: number, max: number) => ({ min: cny(min), max: cny(max) });
