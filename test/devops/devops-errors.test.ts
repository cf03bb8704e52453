import { CatalogError } from '../../src/catalog/load-catalog';
import { CallTimeoutError } from '../../src/devops/classify-error';
import { DevOpsError } from '../../src/devops/devops-port';
import { HooksApiError } from '../../src/devops/hooks-client';
import { CodedError, isCodedError } from '../../src/errors/coded-error';

describe('Azure DevOps and catalog errors share the CodedError base', () => {
  it('keep their codes, names and extra fields', () => {
    const throttled = new DevOpsError('throttled', 'slow down', 30);
    expect(throttled).toBeInstanceOf(CodedError);
    expect(throttled).toMatchObject({
      code: 'throttled',
      name: 'DevOpsError',
      retryAfterSeconds: 30,
    });
    expect(isCodedError(throttled, 'throttled')).toBe(true);

    const timeout = new CallTimeoutError('getBuild', 35_000);
    expect(timeout).toMatchObject({ code: 'ETIMEDOUT', name: 'CallTimeoutError' });
    expect(timeout.message).toBe('getBuild timed out after 35000 ms');

    expect(new CatalogError('bad')).toMatchObject({
      code: 'CATALOG_INVALID',
      name: 'CatalogError',
    });
    expect(isCodedError(new CatalogError('bad'))).toBe(true);
  });

  it('HooksApiError takes the DevOpsError code of its status', () => {
    expect(new HooksApiError('gone', 404)).toMatchObject({ code: 'notFound', status: 404 });
    expect(new HooksApiError('who?', 401).code).toBe('unauthorized');
    expect(new HooksApiError('down', 503).code).toBe('unavailable');
    expect(new HooksApiError('no answer').code).toBe('unavailable');
    expect(new HooksApiError('x', undefined, 'throttled').code).toBe('throttled');
    expect(new HooksApiError('x', 404)).toBeInstanceOf(CodedError);
  });
});
