import { Context } from '@temporalio/activity';
import { buildLayers, type BuildLayersInput } from './build/build-layers.js';
import type { ActivityDeps, ActivityRuntime } from './deps.js';
import { toFailure } from './to-failure.js';
import { exportTable, type ExportTableInput } from './export/export-table.js';
import { landSource, type LandSourceInput } from './land/land-source.js';
import { planSource, type PlanSourceInput } from './land/plan-source.js';
import { refreshPlan, type RefreshPlanInput } from './land/refresh-plan.js';
import { publishStaged, type PublishStagedInput } from './publish/publish-staged.js';
import { requestPublish } from './publish/request-publish.js';

/** The activity runtime from Temporal's context: heartbeats, the last checkpoint, cancellation. */
function temporalRuntime(): ActivityRuntime {
  const ctx = Context.current();
  return {
    heartbeat: (details) => ctx.heartbeat(details),
    checkpoint: (ctx.info.heartbeatDetails as { checkpoint?: unknown } | undefined)?.checkpoint,
    signal: ctx.cancellationSignal,
    attempt: ctx.info.attempt,
    workflowId: ctx.info.workflowExecution?.workflowId,
    runId: ctx.info.workflowExecution?.runId,
  };
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const wrap =
    <I, O>(fn: (deps: ActivityDeps, rt: ActivityRuntime, input: I) => Promise<O>) =>
    async (input: I): Promise<O> => {
      try {
        return await fn(deps, temporalRuntime(), input);
      } catch (error) {
        throw toFailure(error);
      }
    };
  return {
    planSource: wrap((_d, _rt, input: PlanSourceInput) => planSource(input)),
    refreshPlan: wrap((d, _rt, input: RefreshPlanInput) => refreshPlan(input, d.lake)),
    landSource: wrap((d, rt, input: LandSourceInput) => landSource(d, rt, input)),
    buildLayers: wrap((d, rt, input: BuildLayersInput) => buildLayers(d, rt, input)),
    publishStaged: wrap((d, rt, input: PublishStagedInput) => publishStaged(d, rt, input)),
    requestPublish,
    exportTable: wrap((d, _rt, input: ExportTableInput) => exportTable(d.lake, input, d.config.workDir)),
  };
}

export type Activities = ReturnType<typeof createActivities>;
