import { CardSigner, signCardData } from '../../src/actions/card-signer';
import { MemoryStore } from '../../src/store/memory-store';

describe('signCardData', () => {
  let signer: CardSigner;
  beforeAll(async () => {
    signer = await CardSigner.load(new MemoryStore());
  });

  it('signs every button data object, bound to the conversation, without changing the input', () => {
    const data = {
      title: 'Run 42',
      cancelData: { runId: 42 },
      stages: [{ name: 'Deploy', approveData: { runId: 42, approvalId: 'a-1' } }],
    };
    const before = JSON.stringify(data);
    const signed = signCardData(data, 'conv-1', signer);
    expect(JSON.stringify(data)).toBe(before);
    expect(signed.cancelData).toEqual({ runId: 42, token: signer.sign('conv-1', { runId: 42 }) });
    const approve = signed.stages[0]!.approveData as { token?: string };
    expect(signer.verify('conv-1', { runId: 42, approvalId: 'a-1' }, approve.token)).toBe(true);
    expect(signer.verify('conv-2', { runId: 42, approvalId: 'a-1' }, approve.token)).toBe(false);
    // Only the parts with buttons are copied; the rest is shared.
    expect(signed).not.toBe(data);
    expect(signed.stages).not.toBe(data.stages);
  });

  it('returns data without buttons as it is: no copy (help and usage cards)', () => {
    const data = Object.freeze({
      title: 'Commands',
      commands: Object.freeze([Object.freeze({ name: 'deploy', runId: 'not a number' })]),
      run: Object.freeze({ runId: 7, pipeline: 'prod' }), // ids among other fields: not a button
    });
    expect(signCardData(data, 'conv-1', signer)).toBe(data);
  });
});
