import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../../src/catalog/catalog-schema';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { ensureHookSubscriptions } from '../../src/commands/handlers/setup-hooks';
import { HooksClient } from '../../src/devops/hooks-client';
import { formatDoctorTable } from '../../src/doctor/format-doctor-table';
import { runDoctor, type DoctorCheck } from '../../src/doctor/run-doctor';
import { startEmulator, type EmulatorOptions } from '../../src/emulator/start-emulator';

const catalog = loadCatalog('config/digitre.yaml');
const PUBLIC_URL = 'https://chatops.digitre.example';
const SECRET = 'a-webhook-secret-of-32-characters';

/** An "organization" (the emulator, started from `org`) checked against the bot's catalog. */
async function doctorAgainst(
  org: Partial<EmulatorOptions> & { catalog?: Catalog } = {},
  extra: { pat?: string; hooks?: boolean; localMode?: boolean } = {},
): Promise<DoctorCheck[]> {
  const emu = await startEmulator({ catalog, taskMs: 1000, seed: true, ...org });
  try {
    const auth = { pat: emu.pat };
    if (extra.hooks !== false && !extra.localMode) {
      const hooks = new HooksClient({ orgUrl: emu.orgUrl, project: emu.project, auth });
      await ensureHookSubscriptions(
        hooks,
        catalog.pipelines,
        `${PUBLIC_URL}/api/ado-events`,
        SECRET,
      );
    }
    return await runDoctor({
      catalog,
      orgUrl: emu.orgUrl,
      project: emu.project,
      auth: { pat: extra.pat ?? emu.pat },
      publicUrl: PUBLIC_URL,
      webhookSecret: SECRET,
      ...(extra.localMode ? { localMode: true } : {}),
    });
  } finally {
    await emu.close();
  }
}

const failures = (checks: DoctorCheck[]) => checks.filter((c) => !c.ok);

function withCatalog(change: (c: Catalog) => void): Catalog {
  const copy = structuredClone(catalog);
  change(copy);
  return copy;
}

describe('doctor', () => {
  it('passes against local mode', async () => {
    const checks = await doctorAgainst({ serviceIdentityIsApprover: true }, { localMode: true });
    expect(failures(checks)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'Credentials',
        'Project',
        'Pipeline prod',
        'Preview prod',
        'Model versions',
        'Environment prod',
        'Access: approve',
      ]),
    );
    expect(formatDoctorTable(checks)).toMatch(/All \d+ checks passed\./);
  });

  it('passes against a correctly set-up organization with hooks and a secret', async () => {
    const checks = await doctorAgainst();
    expect(failures(checks)).toEqual([]);
    expect(checks.find((c) => c.check === 'Environment prod')?.detail).toMatch(
      /bot identity is not an approver/,
    );
  });

  it('names a renamed pipeline, suggests the close name and says how to fix it', async () => {
    const renamed = withCatalog((c) => {
      c.pipelines.find((p) => p.key === 'prod')!.name = '[Manual]-[Prod]-deployement';
    });
    const checks = await doctorAgainst({ catalog: renamed });
    const bad = failures(checks);
    expect(bad.map((c) => c.check)).toContain('Pipeline prod');
    const row = bad.find((c) => c.check === 'Pipeline prod')!;
    expect(row.detail).toContain('"[Manual]-[Prod]-deployement"');
    expect(row.fix).toMatch(
      /Rename the pipeline in Azure DevOps to "\[Manual\]-\[Prod\]-deployment"/,
    );
    expect(formatDoctorTable(checks)).toMatch(/FAIL\s+Pipeline prod/);
  });

  it('fails the preview of a pipeline whose YAML lacks a catalog parameter', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pipelines-'));
    try {
      cpSync('pipelines', join(root, 'pipelines'), { recursive: true });
      const file = join(root, 'pipelines', 'qa-deploy.yml');
      const text = readFileSync(file, 'utf8');
      writeFileSync(file, text.replace(/ {2}- name: modelVersion\n(?: {4}.*\n)+/, ''));
      const bad = failures(await doctorAgainst({ pipelinesRoot: root }));
      expect(bad.map((c) => c.check)).toEqual(['Preview qa']);
      expect(bad[0]!.detail).toMatch(/Unexpected parameter 'modelVersion'/);
      expect(bad[0]!.fix).toMatch(/declare the catalog's parameters \(modelVersion: string\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('says when a pipeline lacks chatopsRequestId (runs would not be protected from duplicates)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'pipelines-'));
    try {
      cpSync('pipelines', join(root, 'pipelines'), { recursive: true });
      const file = join(root, 'pipelines', 'prod-deployment.yml');
      writeFileSync(
        file,
        readFileSync(file, 'utf8').replace(/ {2}# Set by DigitRE ChatOps[\s\S]*?default: ''\n/, ''),
      );
      const bad = failures(await doctorAgainst({ pipelinesRoot: root }));
      expect(bad.map((c) => c.check)).toEqual(['Preview prod']);
      expect(bad[0]!.detail).toMatch(
        /does not declare chatopsRequestId: runs queue without duplicate protection/,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds a missing approval check on prod', async () => {
    const open = withCatalog((c) => {
      delete c.environments.find((e) => e.key === 'prod')!.approval;
    });
    const bad = failures(await doctorAgainst({ catalog: open }));
    expect(bad.map((c) => c.check)).toEqual(['Environment prod']);
    expect(bad[0]!.detail).toMatch(/no Approval check/);
    expect(bad[0]!.fix).toMatch(/Approvals and checks/);
  });

  it('finds a PAT without the scope approvals need', async () => {
    const bad = failures(
      await doctorAgainst({
        patScopes: ['vso.build_execute', 'vso.hooks_write', 'vso.environment_manage'],
      }),
    );
    expect(bad.map((c) => c.check)).toEqual(['Access: approve']);
    expect(bad[0]!.fix).toMatch(/Pipeline Resources \(Use\)/);
  });

  it('finds missing service hooks and a missing secret', async () => {
    const emu = await startEmulator({ catalog, taskMs: 1000, seed: true });
    try {
      const checks = await runDoctor({
        catalog,
        orgUrl: emu.orgUrl,
        project: emu.project,
        auth: { pat: emu.pat },
        publicUrl: PUBLIC_URL,
      });
      expect(failures(checks).map((c) => c.check)).toEqual(['Service hooks', 'Webhook secret']);
      expect(failures(checks)[0]!.fix).toMatch(/setup hooks/);
    } finally {
      await emu.close();
    }
  });

  it('stops at a bad PAT with a fix naming the scopes', async () => {
    const checks = await doctorAgainst({}, { pat: 'q'.repeat(52) });
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ check: 'Credentials', ok: false });
    expect(checks[0]!.detail).toMatch(/401/);
    expect(checks[0]!.fix).toMatch(/Build \(Read & execute\)/);
  });
});
