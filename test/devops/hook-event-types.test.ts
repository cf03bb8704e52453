import { HOOK_EVENT_TYPES as forSetup } from '../../src/commands/handlers/setup-hooks';
import { HOOK_EVENT_TYPES } from '../../src/devops/hook-event-types';

describe('HOOK_EVENT_TYPES', () => {
  it('what `setup hooks` creates is what the doctor checks', () => {
    expect([...forSetup]).toEqual([...HOOK_EVENT_TYPES]);
    expect(HOOK_EVENT_TYPES).toContain('ms.vss-pipelinechecks-events.approval-pending');
  });
});
