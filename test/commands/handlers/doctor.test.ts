import type { CommandDeps } from '../../../src/commands/command-spec';
import { doctorCommand, type DoctorDeps } from '../../../src/commands/handlers/doctor';
import { parseCommand } from '../../../src/commands/parse-command';
import type { DoctorCheck } from '../../../src/doctor/run-doctor';
import { ENGINEER, LEAD, handlerHarness } from './handler-harness';

const CHECKS: DoctorCheck[] = [
  { check: 'Credentials', ok: true, detail: 'signed in as DigitRE ChatOps' },
  {
    check: 'Environment prod',
    ok: false,
    detail: 'no Approval check: deployments would not wait for anyone',
    fix: 'Pipelines > Environments > prod > Approvals and checks > Approvals: add devops.lead@digitre.example.',
  },
];

describe('doctor (chat)', () => {
  async function run(
    actor = LEAD,
    doctor: (() => Promise<DoctorCheck[]>) | null = () => Promise.resolve(CHECKS),
  ) {
    const h = handlerHarness();
    const parsed = parseCommand('doctor', h.registry, { catalog: h.catalog });
    if (!parsed.ok) throw new Error(parsed.error.problem);
    expect(parsed.spec).toBe(doctorCommand);
    const deps: CommandDeps & DoctorDeps = { ...h.deps(), ...(doctor ? { doctor } : {}) };
    return parsed.spec.run(parsed.args, h.context(actor), deps);
  }
  const dataOf = (reply: Awaited<ReturnType<typeof run>>) =>
    (reply as { data: { title: string; facts: { title: string; value: string }[] } }).data;

  it('shows failures first, each with its fix', async () => {
    const data = dataOf(await run());
    expect(data.title).toBe('1 of 2 checks failed');
    expect(data.facts[0]).toEqual({
      title: '❌ Environment prod',
      value: expect.stringMatching(/no Approval check.*Fix: Pipelines > Environments > prod/),
    });
    expect(data.facts[1]!.title).toBe('✅ Credentials');
  });

  it('is for admins only', async () => {
    let called = false;
    const data = dataOf(
      await run(ENGINEER, () => {
        called = true;
        return Promise.resolve(CHECKS);
      }),
    );
    expect(data.title).toBe('Not allowed');
    expect(called).toBe(false);
  });

  it('says where to run it when not wired', async () => {
    expect(dataOf(await run(LEAD, null)).title).toBe('The doctor is not available here');
  });
});
