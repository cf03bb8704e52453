import { ConfigError, loadConfig } from '../../src/config/load-config';

describe('CHATOPS_AUDIT_DAYS', () => {
  it('defaults to 90 days and reads a whole number of days', () => {
    expect(loadConfig({}).auditDays).toBe(90);
    expect(loadConfig({ CHATOPS_AUDIT_DAYS: '365' }).auditDays).toBe(365);
  });

  it.each(['0', '-5', '1.5', 'ninety', '36501'])('refuses %j with a message naming it', (value) => {
    const load = () => loadConfig({ CHATOPS_AUDIT_DAYS: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(
      /CHATOPS_AUDIT_DAYS: must be a whole number of days from 1 to 36500 \(default 90\)/,
    );
  });
});
