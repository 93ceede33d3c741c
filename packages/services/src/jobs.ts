import type { ServiceDeps } from './deps.js';
import { endAppointmentsPastTheirPeriod } from './appointments.js';
import { runPendingBidTasks } from './bid-lifecycle.js';
import { processDueTimers } from './due-dates.js';
import { releaseOverdueMilestones } from './milestones.js';
import { closeRequestsPastDeadline } from './requests.js';
import { publishDueReviews } from './reviews.js';
import { runPendingStudentRecordTasks } from './education.js';

export interface JobReport {
  closedRequests: number;
  /** Bids rejected or expired by follow-ups a crash had left behind. */
  settledBids: number;
  /** SUBMITTED milestones released because their review window passed. */
  releasedMilestones: number;
  /** Studios reminded of a milestone due in three days. */
  dueReminders: number;
  /** Milestones flagged overdue (both sides notified). */
  overdueMilestones: number;
  /** Lone reviews published because the review window after their contract passed. */
  publishedReviews: number;
  /** ACTIVE appointments ended because their period was over. */
  endedAppointments: number;
  /** Student project records issued by follow-ups of completed contracts that a crash had left behind. */
  issuedStudentRecords: number;
  failures: { job: string; id: string; error: string }[];
}

/**
 * One run of the periodic jobs: the EventBridge schedule invokes it when
 * deployed, and `npm start` runs it every minute. Each item is its own
 * conditional write, so overlapping runs or a crash half-way are harmless: a
 * retried item simply fails its condition.
 */
export async function runScheduledJobs(deps: ServiceDeps): Promise<JobReport> {
  const report: JobReport = {
    closedRequests: 0, settledBids: 0, releasedMilestones: 0, dueReminders: 0, overdueMilestones: 0, publishedReviews: 0, endedAppointments: 0, issuedStudentRecords: 0, failures: [],
  };
  try {
    const closing = await closeRequestsPastDeadline(deps);
    report.closedRequests = closing.closed;
    report.failures.push(...closing.failures.map((failure) => ({ job: 'close-expired-request', ...failure })));
  } catch (error) {
    report.failures.push({ job: 'close-expired-request', id: '*', error: (error as Error).message });
  }
  try {
    report.settledBids = await runPendingBidTasks(deps);
  } catch (error) {
    report.failures.push({ job: 'settle-live-bids', id: '*', error: (error as Error).message });
  }
  try {
    const release = await releaseOverdueMilestones(deps);
    report.releasedMilestones = release.released;
    report.failures.push(...release.failures.map((failure) => ({ job: 'auto-release-milestone', ...failure })));
  } catch (error) {
    report.failures.push({ job: 'auto-release-milestone', id: '*', error: (error as Error).message });
  }
  try {
    const due = await processDueTimers(deps);
    report.dueReminders = due.reminded;
    report.overdueMilestones = due.flagged;
    report.failures.push(...due.failures.map((failure) => ({ job: 'milestone-due-dates', ...failure })));
  } catch (error) {
    report.failures.push({ job: 'milestone-due-dates', id: '*', error: (error as Error).message });
  }
  try {
    const reviews = await publishDueReviews(deps);
    report.publishedReviews = reviews.published;
    report.failures.push(...reviews.failures.map((failure) => ({ job: 'publish-reviews', ...failure })));
  } catch (error) {
    report.failures.push({ job: 'publish-reviews', id: '*', error: (error as Error).message });
  }
  try {
    const appointments = await endAppointmentsPastTheirPeriod(deps);
    report.endedAppointments = appointments.ended;
    report.failures.push(...appointments.failures.map((failure) => ({ job: 'end-appointments', ...failure })));
  } catch (error) {
    report.failures.push({ job: 'end-appointments', id: '*', error: (error as Error).message });
  }
  try {
    report.issuedStudentRecords = await runPendingStudentRecordTasks(deps);
  } catch (error) {
    report.failures.push({ job: 'issue-student-records', id: '*', error: (error as Error).message });
  }
  return report;
}
