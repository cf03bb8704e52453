import { AdoHttpError } from './http-reply';

/** The newest REST version the service answers (7.2 is still preview on dev.azure.com). */
const LATEST = { major: 7, minor: 2 };
const FORMAT = /^(\d+)\.(\d+)(?:-preview(?:\.(\d+))?)?$/i;

/**
 * Refuses an api-version the service refuses: one that is not `major.minor[-preview[.n]]`, one
 * above the latest version, and 7.2 without `-preview`.
 * @example checkApiVersion('7.1') // ok; checkApiVersion('9.0') // throws 400
 */
export function checkApiVersion(version: string): void {
  const m = FORMAT.exec(version);
  if (!m) {
    throw new AdoHttpError(
      400,
      'VssInvalidApiVersionException',
      `The api-version '${version}' is not valid. Use a version such as "7.1" or "7.2-preview.1".`,
    );
  }
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const preview = /preview/i.test(version);
  if (major > LATEST.major || (major === LATEST.major && minor > LATEST.minor)) {
    throw new AdoHttpError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${major}.${minor} is out of range for this server. The latest REST API version this server supports is ${LATEST.major}.${LATEST.minor}.`,
    );
  }
  if (major === LATEST.major && minor === LATEST.minor && !preview) {
    throw new AdoHttpError(
      400,
      'VssInvalidPreviewVersionException',
      `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
    );
  }
}
