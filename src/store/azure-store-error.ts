import { StoreError } from './store-error';

/** The HTTP status of an Azure SDK `RestError`, if `err` is one. */
export function azureStatus(err: unknown): number | undefined {
  if (typeof err === 'object' && err && 'statusCode' in err && typeof err.statusCode === 'number') {
    return err.statusCode;
  }
  return undefined;
}

/** True when Azure refused a conditional request: the eTag/existence condition did not hold. */
export function isAzureConflict(err: unknown): boolean {
  const status = azureStatus(err);
  return status === 409 || status === 412;
}

/**
 * Turns an Azure SDK failure into a `StoreError` that says what to check.
 * @example catch (err) { throw azureStoreError(err, 'blob container chatops'); }
 */
export function azureStoreError(err: unknown, target: string): StoreError {
  if (err instanceof StoreError) return err;
  const status = azureStatus(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (status === 401 || status === 403) {
    return new StoreError(
      'unavailable',
      `Azure Storage refused access to ${target} (${status}: ${detail}). Check AZURE_STORAGE_CONNECTION_STRING (account key or SAS permissions and expiry).`,
      { cause: err },
    );
  }
  return new StoreError(
    'unavailable',
    `Azure Storage request on ${target} failed (${status ?? 'no response'}: ${detail}). Check that the account endpoint in AZURE_STORAGE_CONNECTION_STRING is reachable.`,
    { cause: err },
  );
}
