export interface ColdStartReport { api: { bytes: number }; floor: { bytes: number }; ratios: { firstHealth: number; firstMe: number; size: number } }
export async function measureColdStart(..._a: unknown[]): Promise<ColdStartReport> { throw new Error('todo'); }
export const coldStartTable = (_r: ColdStartReport) => '';
