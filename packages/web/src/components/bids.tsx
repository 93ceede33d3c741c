import type { Bid } from '@sharedtech/core';
import { Badge, Section } from './ui.js';
import { type Ui } from '../context.js';
import { bidStatusLabel } from '../labels.js';

export type BidView = Omit<Bid, 'version'>;

/** The milestone plan of a bid as a small table. */
export function MilestonePlan({ ui, bid }: { ui: Ui; bid: Pick<BidView, 'milestones'> }) {
  const t = ui.t;
  return (
    <ol class="plan">
      {bid.milestones.map((milestone) => (
        <li>
          {milestone.title} · <span class="amount">{ui.money(milestone.amount)}</span> · {t('bid.dueIn', { days: milestone.dueInDays })}
        </li>
      ))}
    </ol>
  );
}

export const teamText = (ui: Ui, team: BidView['team']) =>
  ui.t('bid.teamCounts', { teachers: team.teachers.length, students: team.students.length, mentors: team.mentors.length });

/** A studio's own bids on the request it is looking at. */
export function MyBidsOnRequest({ ui, bids }: { ui: Ui; bids: BidView[] }) {
  if (bids.length === 0) return null;
  return (
    <Section title={ui.t('bid.mine.onRequest')}>
      <ul class="list">
        {bids.map((bid) => (
          <li class="item">
            <a href={`/bids/${bid.id}`}>{ui.money(bid.price)}</a> <Badge status={bid.status} label={bidStatusLabel(ui, bid.status)} />
          </li>
        ))}
      </ul>
    </Section>
  );
}
