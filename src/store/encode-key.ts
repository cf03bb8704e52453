/**
 * Encodes any key into the alphabet `[A-Za-z0-9_~!-]`, which is safe as a blob name
 * segment and as a Table Storage PartitionKey/RowKey (no `/ \ # ? %`, no trailing dot).
 * `%` is avoided on purpose: Table Storage cannot address entities whose keys contain it.
 * The encoding keeps prefixes (the encoding of a prefix is a prefix of the encoding).
 * @example encodeKey('19:abc@thread.v2') === '19!3Aabc!40thread!2Ev2'
 */
export function encodeKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()*.]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%/g, '!');
}

/** Inverse of `encodeKey`. @example decodeKey('a!2Eb') === 'a.b' */
export function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/!/g, '%'));
}
