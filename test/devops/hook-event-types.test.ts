import { HOOK_EVENT_TYPES } from '../../src/devops/hook-event-types';

describe('HOOK_EVENT_TYPES', () => {
  it('are the run, stage and approval events `setup hooks` creates and the doctor checks', () => {
    expect([...HOOK_EVENT_TYPES]).toEqual([
      'ms.vss-pipelines.run-state-changed-event',
      'ms.vss-pipelines.stage-state-changed-event',
      'ms.vss-pipelinechecks-events.approval-pending',
      'ms.vss-pipelinechecks-events.approval-completed',
    ]);
    expect(HOOK_EVENT_TYPES).toContain('ms.vss-pipelinechecks-events.approval-pending');
  });
});
