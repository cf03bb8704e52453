/** What a route handler answers; the server writes it (after faults and rate-limit headers). */
export interface Reply {
  status?: number;
  json?: unknown;
  text?: string;
  /** An HTML page (the sign-in page a bad credential gets without the suppress header). */
  html?: string;
  headers?: Record<string, string | string[]>;
}

const NAMESPACES: Record<string, string> = {
  build: 'Microsoft.TeamFoundation.Build.WebApi',
  pipelines: 'Microsoft.Azure.Pipelines.WebApi',
  framework: 'Microsoft.VisualStudio.Services.WebApi',
  approvals: 'Microsoft.Azure.Pipelines.Checks.WebApi',
  hooks: 'Microsoft.VisualStudio.Services.ServiceHooks.WebApi',
  server: 'Microsoft.TeamFoundation.Framework.Server',
};

/**
 * An error answered with Azure DevOps' envelope (`$id`, `message`, `typeName`, `typeKey`, ...).
 * @example throw new AdoHttpError(404, 'BuildNotFoundException', 'The requested build 9 could not be found.', 'build')
 */
export class AdoHttpError extends Error {
  constructor(
    readonly status: number,
    readonly typeKey: string,
    message: string,
    readonly area: keyof typeof NAMESPACES = 'framework',
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(message);
    this.name = 'AdoHttpError';
  }

  toReply(): Reply {
    return {
      status: this.status,
      json: errorEnvelope(this.typeKey, this.message, this.area),
      headers: this.headers,
    };
  }
}

/** The JSON body Azure DevOps sends with 4xx/5xx answers. */
export function errorEnvelope(
  typeKey: string,
  message: string,
  area: keyof typeof NAMESPACES = 'framework',
): Record<string, unknown> {
  const ns = NAMESPACES[area] ?? NAMESPACES.framework!;
  return {
    $id: '1',
    innerException: null,
    message,
    typeName: `${ns}.${typeKey}, ${ns}`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  };
}

/** `{count, value}` as every Azure DevOps collection is wrapped. */
export function collection(value: unknown[]): { count: number; value: unknown[] } {
  return { count: value.length, value };
}
