import { deepFreeze } from '../../src/cards/deep-freeze';
import { maskDeep, maskSecrets, REDACTED } from '../../src/text/mask-secrets';

const SECRET = 'configured-secret-value-0123';

describe('maskDeep', () => {
  it('masks configured and pasted secrets in nested strings without touching the input', () => {
    const data = {
      title: 'Lock',
      facts: [
        { title: 'Reason', value: `testing ${SECRET}` },
        { title: 'By', value: 'Ana' },
      ],
      note: 'password=hunter22-long',
    };
    const before = JSON.stringify(data);
    const masked = maskDeep(data, [SECRET]);
    expect(masked.facts[0]!.value).toBe(`testing ${REDACTED}`);
    expect(masked.note).toBe(`password=${REDACTED}`);
    expect(JSON.stringify(data)).toBe(before);
    // Copied only along the paths that changed.
    expect(masked.facts[1]).toBe(data.facts[1]);
    expect(masked.title).toBe('Lock');
  });

  it('gives back the very same object when there is nothing to mask', () => {
    const data = { title: 'What I can do', rows: [{ usage: 'help [command]' }] };
    expect(maskDeep(data, [SECRET])).toBe(data);
  });

  it('masks frozen shared data once per secrets list, and still masks it', () => {
    const secrets = [SECRET];
    const clean = deepFreeze({ rows: [{ text: 'deploy <env>' }] });
    expect(maskDeep(clean, secrets)).toBe(clean);
    const leaky = deepFreeze({ rows: [{ text: `deploy ${SECRET}` }] });
    const first = maskDeep(leaky, secrets);
    expect(first.rows[0]!.text).toBe(`deploy ${REDACTED}`);
    expect(maskDeep(leaky, secrets)).toBe(first);
    // Another list of secrets is another masking.
    expect(maskDeep(leaky, []).rows[0]!.text).toBe(`deploy ${SECRET}`);
  });
});

describe('maskSecrets', () => {
  it('masks a configured secret and its Basic-auth form', () => {
    const basic = Buffer.from(`:${SECRET}`).toString('base64');
    expect(maskSecrets(`a ${SECRET} b ${basic}`, [SECRET])).toBe(`a ${REDACTED} b ${REDACTED}`);
  });
});
