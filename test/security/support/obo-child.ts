/**
 * Runs in a child process started with NODE_EXTRA_CA_CERTS (read only at process start), so
 * @azure/identity trusts the test's self-signed token service: exchanges the user's token
 * on-behalf-of, then decides an approval in the emulator as that user. Input: OBO_CHILD_INPUT
 * (JSON). Output: one JSON line on stdout.
 */
import { UserTokenExchanger } from '../../../src/auth/user-token';
import { loadCatalog } from '../../../src/catalog/load-catalog';
import { createAdoDevOps } from '../../../src/devops/ado-devops';

interface Input {
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  userAssertion: string;
  orgUrl: string;
  project: string;
  pat: string;
  catalogPath: string;
  approvalId: string;
  comment: string;
}

async function main(): Promise<void> {
  const input = JSON.parse(process.env.OBO_CHILD_INPUT ?? '{}') as Input;
  const exchanger = new UserTokenExchanger({
    tenantId: input.tenantId,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
    authorityHost: input.authorityHost,
    disableInstanceDiscovery: true,
  });
  const actAs = await exchanger.actAs(input.userAssertion);
  const again = await exchanger.actAs(input.userAssertion);
  const devops = createAdoDevOps({
    orgUrl: input.orgUrl,
    project: input.project,
    catalog: loadCatalog(input.catalogPath),
    auth: { pat: input.pat },
  });
  const decided = await devops.decideApproval(input.approvalId, 'approved', input.comment, actAs);
  process.stdout.write(
    `${JSON.stringify({ ok: true, decided, cachedSame: again.bearerToken === actAs.bearerToken })}\n`,
  );
}

main().catch((err: unknown) => {
  const e = err as { name?: string; message?: string; code?: string };
  process.stdout.write(
    `${JSON.stringify({ ok: false, name: e.name, code: e.code, message: e.message })}\n`,
  );
  process.exitCode = 1;
});
