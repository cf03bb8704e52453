import { AdoHttpError } from './http-reply';

/** The newest REST version the service answers (7.2 is still preview on dev.azure.com). */
const LATEST = { major: 7, minor: 2 };
const FORMAT = /^(\d+)\.(\d+)(?:-preview(?:\.(\d+))?)?$/i;

/**
 * Routes whose API appeared later than the rest and left preview only at 7.1 (Microsoft Learn
 * lists `5.1-preview.1` … `7.1` for Approvals and `6.0-preview.1` … `7.1` for Pipelines runs).
 */
const AREAS: { path: RegExp; name: string; first: [number, number] }[] = [
  { path: /\/_apis\/pipelines\/approvals/i, name: 'Approvals', first: [5, 1] },
  { path: /\/_apis\/pipelines\/checks/i, name: 'Check Configurations', first: [5, 1] },
  { path: /\/_apis\/pipelines(\/|$)/i, name: 'Pipelines', first: [6, 0] },
];

function under(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

function previewRequired(version: string): AdoHttpError {
  return new AdoHttpError(
    400,
    'VssInvalidPreviewVersionException',
    `The requested version "${version}" of the resource is under preview. The -preview flag must be supplied in the api-version for such requests. For example: "${version}-preview"`,
  );
}

/**
 * Refuses an api-version the service refuses: one that is not `major.minor[-preview[.n]]`, one
 * above the latest version, 7.2 without `-preview`, and per route a version older than the API
 * or one before 7.1 without `-preview` (Approvals, Pipelines).
 * @example checkApiVersion('7.1', '/DigitRE/_apis/pipelines/approvals') // ok
 */
export function checkApiVersion(version: string, path = ''): void {
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
  if (major === LATEST.major && minor === LATEST.minor && !preview) throw previewRequired(version);
  const area = AREAS.find((a) => a.path.test(path));
  if (!area) return;
  if (under([major, minor], area.first)) {
    throw new AdoHttpError(
      400,
      'VssVersionOutOfRangeException',
      `The requested REST API version of ${major}.${minor} is out of range for the ${area.name} API, which starts at ${area.first.join('.')}.`,
    );
  }
  if (under([major, minor], [7, 1]) && !preview) throw previewRequired(version);
}
