import { CodedError, isCodedError } from '../../src/errors/coded-error';

class SampleError extends CodedError<'broken' | 'gone'> {}

describe('CodedError', () => {
  it('carries a code, a safe message, its subclass name and the cause', () => {
    const cause = new Error('socket hang up');
    const err = new SampleError('broken', 'It broke; retry in a minute.', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('SampleError');
    expect(err.code).toBe('broken');
    expect(err.message).toBe('It broke; retry in a minute.');
    expect(err.cause).toBe(cause);
  });

  it('is recognised by code', () => {
    const err = new SampleError('gone', 'Gone.');
    expect(isCodedError(err)).toBe(true);
    expect(isCodedError(err, 'gone')).toBe(true);
    expect(isCodedError(err, 'broken')).toBe(false);
    expect(isCodedError(new Error('plain'))).toBe(false);
  });
});
