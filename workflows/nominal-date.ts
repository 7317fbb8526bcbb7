import { workflowInfo } from '@temporalio/workflow';

/**
 * The date a run is for: a schedule's nominal time (TemporalScheduledStartTime), so late runs and backfills
 * fetch the right period; otherwise the workflow's own start time. Never the wall clock of an activity.
 */
export function nominalDate(): string {
  const info = workflowInfo();
  const scheduled = info.searchAttributes?.TemporalScheduledStartTime?.[0];
  const at =
    scheduled instanceof Date ? scheduled : typeof scheduled === 'string' ? new Date(scheduled) : info.startTime;
  return at.toISOString().slice(0, 10);
}
