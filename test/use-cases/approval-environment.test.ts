import { approvalEnvironment } from '../../src/use-cases/approval-environment';
import { catalog } from '../notifications/notification-fixtures';

describe('approvalEnvironment: the environment an approval is for', () => {
  it('the one it names, else the fallback, else the one its pipeline deploys to', () => {
    expect(approvalEnvironment(catalog, { environment: 'prod' })?.displayName).toBe('Production');
    expect(approvalEnvironment(catalog, {}, 'qa')?.key).toBe('qa');
    expect(approvalEnvironment(catalog, { pipelineKey: 'prod' })?.key).toBe('prod');
    expect(approvalEnvironment(catalog, { pipelineKey: 'unknown' })).toBeUndefined();
  });
});
