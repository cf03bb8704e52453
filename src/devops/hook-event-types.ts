/**
 * The service-hook events the bot subscribes to for each pipeline (reference §4.1): run and
 * stage state, approval pending and completed. `setup hooks` creates them; the doctor checks
 * they exist, one subscription per event type and catalog pipeline (they filter on
 * `pipelineId`). `build.complete` is left out: it repeats run-state-changed's completion. Kept
 * with the Hooks client so the doctor need not import from src/commands.
 * @example for (const eventType of HOOK_EVENT_TYPES) await hooks.createSubscription({ eventType, … });
 */
export const HOOK_EVENT_TYPES = [
  'ms.vss-pipelines.run-state-changed-event',
  'ms.vss-pipelines.stage-state-changed-event',
  'ms.vss-pipelinechecks-events.approval-pending',
  'ms.vss-pipelinechecks-events.approval-completed',
] as const;
