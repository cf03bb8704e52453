import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/load-catalog';
import { createRegistry } from '../../src/commands/create-registry';
import { parseCommand } from '../../src/commands/parse-command';

/**
 * The command language as people type it, pinned phrasing by phrasing against the real catalog:
 * each row is either the command and its exact arguments, or the usage error (problem and
 * did-you-mean). A change in how anything below parses must be a deliberate change to this table.
 */

const catalog = loadCatalog(join(__dirname, '../../config/digitre.yaml'));
const registry = createRegistry();
const parse = (text: string) => parseCommand(text, registry, { catalog });

type Parsed = { cmd: string; args: object };
type Refused = { problem: RegExp; suggestions?: string[]; command?: string | null };
type Case = [string, Parsed | Refused];

const ok = (cmd: string, args: object): Parsed => ({ cmd, args });
const bad = (problem: RegExp, suggestions: string[] = [], command?: string | null): Refused => ({
  problem,
  suggestions,
  command,
});
const dep = (environment: string, extra: object = {}) =>
  ok('deploy', { environment, dryRun: false, parameters: {}, ...extra });
const run = (cmd: string, pipelineKey: string, extra: object = {}) =>
  ok(cmd, { pipelineKey, parameters: {}, ...extra });
const approve = (target: object, comment = '') => ok('approve', { target, comment });
const reject = (target: object, comment = '') => ok('reject', { target, comment });
const sub = (filter: object) =>
  ok('subscribe', { pipelines: [], environments: [], events: [], results: [], ...filter });
const BAD_BRANCH = /is not a valid branch name/;
const SAFE_CHARS = /must be 1–128 characters of letters, digits/;
const ENVS = /Environments: `dev`, `qa`, `custom-qa`, `prod`/;
const PIPES =
  /Pipelines: `extract-prepare`, `train`, `dev`, `dev-cleanup`, `qa`, `custom-qa`, `prod`/;

const deployCases: Case[] = [
  ['deploy custom-qa model v3', dep('custom-qa', { model: '3' })],
  ['deploy model v3 to prod', dep('prod', { model: '3' })],
  ['deploy prod v3', dep('prod', { model: '3' })],
  [
    'deploy custom-qa model 3 from feature/x',
    dep('custom-qa', { model: '3', branch: 'feature/x' }),
  ],
  ['deploy prod dry-run', dep('prod', { dryRun: true })],
  ['deploy prod dry run', dep('prod', { dryRun: true })],
  ['deploy prod --dry-run', dep('prod', { dryRun: true })],
  ['deploy prod preview', dep('prod', { dryRun: true })],
  ['deploy prod dryrun', dep('prod', { dryRun: true })],
  ['deploy qa dry-run preview', dep('qa', { dryRun: true })],
  ['deploy prod', dep('prod')],
  ['deploy production', dep('prod')],
  ['deploy live', dep('prod')],
  ['deploy cqa v2', dep('custom-qa', { model: '2' })],
  ['deploy custom v2', dep('custom-qa', { model: '2' })],
  ['deploy CustomQA v3', dep('custom-qa', { model: '3' })],
  ['deploy dev v1', dep('dev', { model: '1' })],
  ['deploy development v1', dep('dev', { model: '1' })],
  ['deploy test v2', dep('qa', { model: '2' })],
  ['deploy prod v01', dep('prod', { model: '1' })],
  ['deploy prod V7', dep('prod', { model: '7' })],
  ['deploy prod model 3 model 3', dep('prod', { model: '3' })],
  ['deploy model version 3 to prod', dep('prod', { model: '3' })],
  ['deploy prod model version 4', dep('prod', { model: '4' })],
  ['deploy prod model-version 3', dep('prod', { model: '3' })],
  ['deploy prod modelVersion=3', dep('prod', { model: '3' })],
  ['deploy prod modelversion=3', dep('prod', { model: '3' })],
  ['deploy to prod to prod', dep('prod')],
  ['deploy in qa', dep('qa')],
  ['deploy env qa', dep('qa')],
  ['deploy environment qa', dep('qa')],
  ['deploy prod on main', dep('prod', { branch: 'main' })],
  ['deploy prod ref main', dep('prod', { branch: 'main' })],
  ['deploy prod branch refs/heads/main', dep('prod', { branch: 'main' })],
  ['deploy prod branch Feature/X', dep('prod', { branch: 'Feature/X' })],
  [
    'deploy qa v2 branch release/2.1 dry-run',
    dep('qa', { model: '2', branch: 'release/2.1', dryRun: true }),
  ],
  ['ship qa', dep('qa')],
  ['release qa v2', dep('qa', { model: '2' })],
  ['DEPLOY CUSTOM-QA MODEL V3', dep('custom-qa', { model: '3' })],
  ['Deploy Prod V3', dep('prod', { model: '3' })],
  ['deploy', bad(/^Which environment\? One of `dev`, `qa`, `custom-qa`, `prod`\.$/, [], 'deploy')],
  ['deploy v3', bad(/^Which environment\?/, [], 'deploy')],
  ['deploy to', bad(/^Which environment\?/, [], 'deploy')],
  ['deploy prdo', bad(/^There is no environment `prdo`\./, ['prod'], 'deploy')],
  ['deploy to prdo', bad(/^There is no environment `prdo`/, ['prod'], 'deploy')],
  ['deploy custm-qa', bad(/no environment `custm-qa`/, ['custom-qa'], 'deploy')],
  ['deploy prod.', dep('prod')],
  ['deploy train', bad(/^There is no environment `train`\. Environments/, [], 'deploy')],
  ['deploy extract-prepare', bad(ENVS, [], 'deploy')],
  ['deploy prod qa', bad(/Two environments given \(`prod` and `qa`\)/, [], 'deploy')],
  ['deploy qa into prod', bad(/Two environments given \(`qa` and `prod`\)/, [], 'deploy')],
  ['deploy prod v3 v4', bad(/Two model versions given \(v3 and v4\)/, [], 'deploy')],
  ['deploy prod modelVersion=3 v4', bad(/Two model versions given/, [], 'deploy')],
  ['deploy model', bad(/`model` needs a version after it/, [], 'deploy')],
  ['deploy prod model version', bad(/`model` needs a version after it/, [], 'deploy')],
  ['deploy prod model vx', bad(/`vx` is not a model version; write it like `v3`/, [], 'deploy')],
  ['deploy prod v9999999', bad(/`v9999999` is not a model version/, [], 'deploy')],
  ['deploy prod foo', bad(/I don't know what `foo` means in a deploy/, [], 'deploy')],
  ['deploy prod brnch main', bad(/`brnch` means in a deploy/, ['branch'], 'deploy')],
  ['deploy prod dry', bad(/`dry` means in a deploy/, ['dry-run'], 'deploy')],
  ['deploy prod from main branch dev', bad(/Two branches given/, [], 'deploy')],
  ['deploy prod branch', bad(/^Which branch\?/, [], 'deploy')],
  [
    'deploy prod foo=bar',
    bad(
      /\[Manual\]-\[Prod\]-deployment has no parameter `foo`\. It takes `modelVersion`\./,
      [],
      'deploy',
    ),
  ],
  [
    'deploy prod modelVersion=abc',
    bad(/`abc` is not a valid `modelVersion`.*must match/, [], 'deploy'),
  ],
  ['deploy qa b', bad(/`b` means in a deploy/, [], 'deploy')],
];

const decisionCases: Case[] = [
  ['approve prod', approve({ environment: 'prod' })],
  ['approve prod looks good', approve({ environment: 'prod' }, 'looks good')],
  ['approve prod Looks GOOD', approve({ environment: 'prod' }, 'Looks GOOD')],
  [
    'approve production QA results look good',
    approve({ environment: 'prod' }, 'QA results look good'),
  ],
  ['approve 1234', approve({ runId: 1234 })],
  ['approve #1234', approve({ runId: 1234 })],
  ['approve 12 34', approve({ runId: 12 }, '34')],
  ['lgtm prod', approve({ environment: 'prod' })],
  ['APPROVE PROD Ship It', approve({ environment: 'prod' }, 'Ship It')],
  ['approve prod <b>ok</b>', approve({ environment: 'prod' }, 'ok')],
  ['approve prod it\'s "fine"', approve({ environment: 'prod' }, 'it\'s "fine"')],
  ['approve prod a &lt;script&gt; b', approve({ environment: 'prod' }, 'a script b')],
  ['reject prod metrics regressed', reject({ environment: 'prod' }, 'metrics regressed')],
  ['reject 1234 wrong model', reject({ runId: 1234 }, 'wrong model')],
  ['reject prd', reject({ environment: 'prod' })],
  ['deny prod', reject({ environment: 'prod' })],
  ['approve', bad(/^Which environment\?/, [], 'approve')],
  ['reject', bad(/^Which environment\?/, [], 'reject')],
  ['approve nowhere', bad(/no environment `nowhere`/, [], 'approve')],
  ['approve prdo', bad(/no environment `prdo`/, ['prod'], 'approve')],
  ['approve 0', bad(/`0` is not a run id/, [], 'approve')],
  ['approve 1234567890', bad(/`1234567890` is not a run id/, [], 'approve')],
  [
    `approve prod ${'x'.repeat(501)}`,
    bad(/That text is 501 characters; keep it under 500/, [], 'approve'),
  ],
  ['aprove prod', bad(/I don't know the command `aprove`/, ['approve'], null)],
  ['rejct prod', bad(/I don't know the command `rejct`/, ['reject'], null)],
];

const runCases: Case[] = [
  [
    'run extract-prepare on develop computeName=digitre-gpu',
    run('run', 'extract-prepare', {
      branch: 'develop',
      parameters: { computeName: 'digitre-gpu' },
    }),
  ],
  ['run train', run('run', 'train')],
  ['run ter', run('run', 'train')],
  ['start train', run('run', 'train')],
  ['trigger extract', run('run', 'extract-prepare')],
  [
    'run train experimentName=ABC_def-1',
    run('run', 'train', { parameters: { experimentName: 'ABC_def-1' } }),
  ],
  ['run train EXPERIMENTNAME=abc', run('run', 'train', { parameters: { experimentName: 'abc' } })],
  ['run train on refs/heads/main', run('run', 'train', { branch: 'main' })],
  [
    'run dev-cleanup maxAgeHours=12',
    run('run', 'dev-cleanup', { parameters: { maxAgeHours: '12' } }),
  ],
  [
    'run dev-cleanup maxagehours=12',
    run('run', 'dev-cleanup', { parameters: { maxAgeHours: '12' } }),
  ],
  [
    'run dev-cleanup maxAgeHours=1',
    run('run', 'dev-cleanup', { parameters: { maxAgeHours: '1' } }),
  ],
  [
    'run dev-cleanup maxAgeHours=168',
    run('run', 'dev-cleanup', { parameters: { maxAgeHours: '168' } }),
  ],
  [
    'run dev-cleanup maxAgeHours=1.5',
    run('run', 'dev-cleanup', { parameters: { maxAgeHours: '1.5' } }),
  ],
  ['run prod', run('run', 'prod')],
  ['run prod modelVersion=3', run('run', 'prod', { parameters: { modelVersion: '3' } })],
  [
    'run extract-prepare computeName=ab',
    run('run', 'extract-prepare', { parameters: { computeName: 'ab' } }),
  ],
  ['run', bad(/^Which pipeline\? One of `extract-prepare`/, [], 'run')],
  ['run nope', bad(PIPES, [], 'run')],
  ['run trian', bad(/^There is no pipeline `trian`\./, ['train'], 'run')],
  [
    'run extract-prepare computeName=GPU',
    bad(
      /`GPU` is not a valid `computeName` \(Azure ML compute cluster.*must match `\^\[a-z\]/,
      [],
      'run',
    ),
  ],
  ['run extract-prepare computeName=1abc', bad(/`1abc` is not a valid `computeName`/, [], 'run')],
  ['run extract-prepare computeName=a', bad(/`a` is not a valid `computeName`/, [], 'run')],
  [
    'run extract-prepare computname=digitre-gpu',
    bad(/has no parameter `computname`\. It takes `computeName`\./, ['computeName'], 'run'),
  ],
  ['run dev-cleanup maxAge=12', bad(/has no parameter `maxAge`/, ['maxAgeHours'], 'run')],
  ['run dev-cleanup maxAgeHours=0', bad(/^`maxAgeHours` must be at least 1\.$/, [], 'run')],
  ['run dev-cleanup maxAgeHours=-1', bad(/must be at least 1/, [], 'run')],
  ['run dev-cleanup maxAgeHours=200', bad(/^`maxAgeHours` must be at most 168\.$/, [], 'run')],
  [
    'run dev-cleanup maxAgeHours=abc',
    bad(/`maxAgeHours` must be a number; `abc` is not/, [], 'run'),
  ],
  ['run dev-cleanup maxAgeHours=Infinity', bad(/must be a number/, [], 'run')],
  ['run dev-cleanup maxAgeHours=0x10', bad(/must be a number; `0x10` is not/, [], 'run')],
  ['run dev-cleanup maxAgeHours=1e2', bad(/must be a number; `1e2` is not/, [], 'run')],
  ['run dev-cleanup maxAgeHours= 12', bad(SAFE_CHARS, [], 'run')],
  [
    'run dev-cleanup dev',
    bad(/`dev` is not a parameter; write parameters as `name=value`/, [], 'run'),
  ],
  ['run qa modelVersion=v3', bad(/`v3` is not a valid `modelVersion`/, [], 'run')],
  ['run qa computeName=x', bad(/\[QA\]-Deploy has no parameter `computeName`/, [], 'run')],
  [
    'run train experimentName=abc experimentname=def',
    bad(/`experimentName` is given twice/, [], 'run'),
  ],
  ['run train experimentName', bad(/`experimentName` is not a parameter/, [], 'run')],
  ['run train =abc', bad(/`=abc` is not a parameter/, [], 'run')],
  ['run train branch main branch dev', bad(/Two branches given/, [], 'run')],
  ['run train on', bad(/^Which branch\?/, [], 'run')],
  ['train', run('train', 'train')],
  ['training', run('train', 'train')],
  ['train on feature/new-features', run('train', 'train', { branch: 'feature/new-features' })],
  [
    'train experimentName=exp-2',
    run('train', 'train', { parameters: { experimentName: 'exp-2' } }),
  ],
  ['train now', run('train', 'train')],
  ['extract-prepare', run('extract-prepare', 'extract-prepare')],
  ['extract', run('extract-prepare', 'extract-prepare')],
  [
    'prepare computeName=digitre-gpu',
    run('extract-prepare', 'extract-prepare', { parameters: { computeName: 'digitre-gpu' } }),
  ],
  ['cleanup dev', run('cleanup', 'dev-cleanup')],
  ['cleanup', run('cleanup', 'dev-cleanup')],
  ['clean-up dev', run('cleanup', 'dev-cleanup')],
  [
    'cleanup dev maxAgeHours=12',
    run('cleanup', 'dev-cleanup', { parameters: { maxAgeHours: '12' } }),
  ],
  ['cleanup dev now', run('cleanup', 'dev-cleanup')],
];

const lookCases: Case[] = [
  ['status', ok('status', { kind: 'dashboard' })],
  ['dashboard', ok('status', { kind: 'dashboard' })],
  ['st', ok('status', { kind: 'dashboard' })],
  ['status prod', ok('status', { kind: 'pipeline', pipelineKey: 'prod' })],
  ['Status Prod', ok('status', { kind: 'pipeline', pipelineKey: 'prod' })],
  ['status production', ok('status', { kind: 'pipeline', pipelineKey: 'prod' })],
  ['status train', ok('status', { kind: 'pipeline', pipelineKey: 'train' })],
  ['status cleanup', ok('status', { kind: 'pipeline', pipelineKey: 'dev-cleanup' })],
  ['status 1234', ok('status', { kind: 'run', runId: 1234 })],
  ['status #12', ok('status', { kind: 'run', runId: 12 })],
  ['status a b', bad(/`status` takes one thing to look at/, [], 'status')],
  ['status foo', bad(/^There is no pipeline `foo`\./, [], 'status')],
  ['status prdo', bad(/no pipeline `prdo`/, ['prod'], 'status')],
  ['status 0', bad(/`0` is not a run id/, [], 'status')],
  ['runs', ok('runs', { count: 10 })],
  ['runs prod 5', ok('runs', { pipelineKey: 'prod', count: 5 })],
  ['runs 5 prod', ok('runs', { pipelineKey: 'prod', count: 5 })],
  ['runs train', ok('runs', { pipelineKey: 'train', count: 10 })],
  ['runs 1', ok('runs', { count: 1 })],
  ['runs 50', ok('runs', { count: 50 })],
  ['history', ok('runs', { count: 10 })],
  ['recent 5', ok('runs', { count: 5 })],
  ['runs 0', bad(/Show between 1 and 50 runs/, [], 'runs')],
  ['runs 51', bad(/Show between 1 and 50 runs/, [], 'runs')],
  ['runs prod train', bad(/`runs` takes at most one pipeline and a count/, [], 'runs')],
  ['runs nope', bad(PIPES, [], 'runs')],
  ['approvals', ok('approvals', {})],
  ['pending', ok('approvals', {})],
  ['approvals now', ok('approvals', {})],
  ['pipelines', ok('pipelines', {})],
  ['catalog', ok('pipelines', {})],
  ['models', ok('models', {})],
  ['model', ok('models', {})],
  ['versions', ok('models', {})],
  ['logs 12', ok('logs', { run: { runId: 12 } })],
  ['logs #12', ok('logs', { run: { runId: 12 } })],
  ['why 12', ok('logs', { run: { runId: 12 } })],
  ['logs', bad(/^Which run\? Give its id/, [], 'logs')],
  ['logs a', bad(/`a` is not a run id/, [], 'logs')],
  ['logs 12 13', bad(/`logs` takes one run id/, [], 'logs')],
  ['cancel 12', ok('cancel', { run: { runId: 12 } })],
  ['stop 12', ok('cancel', { run: { runId: 12 } })],
  ['abort 12', ok('cancel', { run: { runId: 12 } })],
  ['cancel 12 13', bad(/`cancel` takes one run id/, [], 'cancel')],
  ['retry 12', ok('retry', { run: { runId: 12 } })],
  ['rerun 12', ok('retry', { run: { runId: 12 } })],
  ['re-run 12', ok('retry', { run: { runId: 12 } })],
  ['retry abc', bad(/`abc` is not a run id/, [], 'retry')],
  ['retry 0', bad(/`0` is not a run id/, [], 'retry')],
  ['retry 1234567890', bad(/`1234567890` is not a run id/, [], 'retry')],
  ['rollback prod', ok('rollback', { environment: 'prod' })],
  ['roll-back prod', ok('rollback', { environment: 'prod' })],
  ['revert qa', ok('rollback', { environment: 'qa' })],
  ['rollback', bad(/^Which environment\?/, [], 'rollback')],
  ['rollback prod qa', bad(/`rollback` takes one environment/, [], 'rollback')],
  ['rollback prdo', bad(/no environment `prdo`/, ['prod'], 'rollback')],
];

const lockCases: Case[] = [
  [
    'lock prod release freeze for 2h',
    ok('lock', { environment: 'prod', reason: 'release freeze', ttlMs: 7_200_000 }),
  ],
  [
    'lock prod release 3.2 freeze',
    ok('lock', { environment: 'prod', reason: 'release 3.2 freeze' }),
  ],
  [
    'lock qa testing model v4 for 2h',
    ok('lock', { environment: 'qa', reason: 'testing model v4', ttlMs: 7_200_000 }),
  ],
  ['lock prod', ok('lock', { environment: 'prod', reason: '' })],
  ['lock prod for 30m', ok('lock', { environment: 'prod', reason: '', ttlMs: 1_800_000 })],
  ['lock prod for 1d', ok('lock', { environment: 'prod', reason: '', ttlMs: 86_400_000 })],
  ['lock prod for 30d', ok('lock', { environment: 'prod', reason: '', ttlMs: 30 * 86_400_000 })],
  [
    'lock prod reason for 2 hours',
    ok('lock', { environment: 'prod', reason: 'reason for 2 hours' }),
  ],
  ['claim qa', ok('lock', { environment: 'qa', reason: '' })],
  ['lock', bad(/^Which environment\?/, [], 'lock')],
  ['lock prdo', bad(/no environment `prdo`/, ['prod'], 'lock')],
  ['lock prod for 2y', bad(/`2y` is not a duration/, [], 'lock')],
  ['lock prod for 31d', bad(/A lock lasts between 1 minute and 30 days/, [], 'lock')],
  ['lock prod for 0m', bad(/A lock lasts between 1 minute and 30 days/, [], 'lock')],
  [
    `lock prod ${'y'.repeat(201)}`,
    bad(/That text is 201 characters; keep it under 200/, [], 'lock'),
  ],
  ['unlock prod', ok('unlock', { environment: 'prod', force: false })],
  ['unlock prod --force', ok('unlock', { environment: 'prod', force: true })],
  ['unlock prod force', ok('unlock', { environment: 'prod', force: true })],
  ['unlock prod please', ok('unlock', { environment: 'prod', force: false })],
  ['unlcok prod', bad(/don't know the command `unlcok`/, ['unlock'], null)],
  ['locks', ok('locks', {})],
  ['list locks', ok('locks', {})],
  ['where can I deploy', ok('wcid', {})],
  ['where can i deploy?', ok('wcid', {})],
  ['Where Can I Deploy', ok('wcid', {})],
  ['wcid', ok('wcid', {})],
  ['wcid now', ok('wcid', {})],
  ['where can I', bad(/I don't know the command `where`/, [], null)],
];

const subscriptionCases: Case[] = [
  [
    'subscribe prod failed branch main',
    sub({ environments: ['prod'], results: ['failed'], branch: 'main' }),
  ],
  ['subscribe', sub({})],
  ['subscribe train completed', sub({ pipelines: ['train'], events: ['completed'] })],
  ['subscribe qa failed', sub({ environments: ['qa'], results: ['failed'] })],
  ['subscribe custom-qa branch develop', sub({ environments: ['custom-qa'], branch: 'develop' })],
  ['subscribe all failures for prod', sub({ environments: ['prod'], results: ['failed'] })],
  ['subscribe prod train', sub({ pipelines: ['train'], environments: ['prod'] })],
  ['subscribe approvals started', sub({ events: ['waitingForApproval', 'started'] })],
  ['notify prod', sub({ environments: ['prod'] })],
  ['follow prod', sub({ environments: ['prod'] })],
  ['subscribe bogus', bad(/I can't filter on `bogus`/, [], 'subscribe')],
  ['subscribe faild', bad(/I can't filter on `faild`/, ['failed', 'fails'], 'subscribe')],
  ['subscribe prod on', bad(/^Which branch\?/, [], 'subscribe')],
  ['subscribe prod branch ../x', bad(BAD_BRANCH, [], 'subscribe')],
  ['unsubscribe', ok('unsubscribe', {})],
  ['mute', ok('unsubscribe', {})],
  ['unsubscribe abc', ok('unsubscribe', { filterId: 'abc' })],
  ['unfollow abc', ok('unsubscribe', { filterId: 'abc' })],
  ['unsubscribe a b', bad(/takes at most one subscription id/, [], 'unsubscribe')],
  ['unsubscribe a!b', bad(/`a!b` is not a subscription id/, [], 'unsubscribe')],
  ['subscriptions', ok('subscriptions', {})],
  ['subs', ok('subscriptions', {})],
  ['subscirbe', bad(/don't know the command `subscirbe`/, ['subscribe'], null)],
  ['whoami', ok('whoami', {})],
  ['who am i', ok('whoami', {})],
  ['me', ok('whoami', {})],
  ['whoami please', ok('whoami', {})],
  ['setup hooks', ok('setup', {})],
  ['setup', ok('setup', {})],
  ['doctor', ok('doctor', {})],
  ['audit', ok('audit', { count: 20 })],
  ['audit 50', ok('audit', { count: 50 })],
  ['audit-log', ok('audit', { count: 20 })],
  ['audit 0', bad(/`audit` takes a count between 1 and 100/, [], 'audit')],
  ['audit 101', bad(/`audit` takes a count between 1 and 100/, [], 'audit')],
  ['audit 5 6', bad(/`audit` takes a count between 1 and 100/, [], 'audit')],
  ['audit prod', bad(/`audit` takes a count between 1 and 100/, [], 'audit')],
  ['help', ok('help', {})],
  ['?', ok('help', {})],
  ['commands', ok('help', {})],
  ['help deploy', ok('help', { topic: 'deploy' })],
  ['help nosuch', ok('help', { topic: 'nosuch' })],
  ['help me please', ok('help', {})],
];

const messyCases: Case[] = [
  ['<at>DigitRE</at> deploy prod', dep('prod')],
  ['<at>DigitRE</at>&nbsp;deploy&nbsp;prod', dep('prod')],
  ['<at>DigitRE ChatOps</at> status', ok('status', { kind: 'dashboard' })],
  ['<p>status</p>', ok('status', { kind: 'dashboard' })],
  [
    '<div><at>DigitRE</at> status <b>prod</b></div>',
    ok('status', { kind: 'pipeline', pipelineKey: 'prod' }),
  ],
  ['DEPLOY PROD', dep('prod')],
  ['  deploy    prod   ', dep('prod')],
  ['deploy\tprod', dep('prod')],
  ['deploy prod\r\n', dep('prod')],
  ['deploy prod\nbranch main', dep('prod', { branch: 'main' })],
  ['status\u200b', ok('status', { kind: 'dashboard' })],
  ['sta\u200btus', ok('status', { kind: 'dashboard' })],
  ['\ufeffhelp', ok('help', {})],
  ['', bad(/The message was empty/, [], null)],
  ['   \n\t ', bad(/The message was empty/, [], null)],
  ['<at>DigitRE</at>', bad(/The message was empty/, [], null)],
  ['x '.repeat(600), bad(/characters; commands are at most 1000/, [], null)],
  ['deploy '.repeat(3000), bad(/at most 1000/, [], null)],
  [`deploy prod ${'a=b '.repeat(30)}`, bad(/That is 32 words; a command has at most 24/, [], null)],
  ['helpful', bad(/^I don't know the command `helpful`\.$/, ['help'], null)],
  ['deployment', bad(/^I don't know the command `deployment`\.$/, [], null)],
  ['deployment prod', bad(/don't know the command `deployment`/, [], null)],
  ['statusx', bad(/don't know the command `statusx`/, ['status'], null)],
  ['approved prod', bad(/don't know the command `approved`/, ['approve', 'approvals'], null)],
  ['deplyo prod', bad(/don't know the command `deplyo`/, ['deploy'], null)],
  ['depoly prod', bad(/don't know the command `depoly`/, ['deploy'], null)],
  ['stauts', bad(/don't know the command `stauts`/, ['run', 'status'], null)],
  ['pipelnes', bad(/don't know the command `pipelnes`/, ['pipelines'], null)],
  ['where', bad(/don't know the command `where`/, [], null)],
  ['status&amp;', bad(/don't know the command `status&`/, ['status'], null)],
  // Injection attempts: refused before anything reaches YAML, a URL or a shell.
  [
    'deploy prod branch ../../etc',
    bad(/`\.\.\/\.\.\/etc` is not a valid branch name/, [], 'deploy'),
  ],
  ['deploy prod branch a;rm -rf', bad(/`a;rm` is not a valid branch name/, [], 'deploy')],
  ['deploy prod branch $(x)', bad(/`\$\(x\)` is not a valid branch name/, [], 'deploy')],
  ['deploy prod branch ${{ }}', bad(BAD_BRANCH, [], 'deploy')],
  ["deploy prod branch 'main'", bad(BAD_BRANCH, [], 'deploy')],
  ['deploy prod branch "main"', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch `whoami`', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch main;ls', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch a|b', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch a>b', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch ma\\in', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch ~a', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy qa branch a@{1}', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy prod branch a&amp;b', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy prod branch -x', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy prod branch a.lock', bad(BAD_BRANCH, [], 'deploy')],
  ['deploy prod branch a..b', bad(BAD_BRANCH, [], 'deploy')],
  ['run train on .hidden', bad(BAD_BRANCH, [], 'run')],
  ['run train on a//b', bad(BAD_BRANCH, [], 'run')],
  ['run train on a/', bad(BAD_BRANCH, [], 'run')],
  ['run train on /a', bad(BAD_BRANCH, [], 'run')],
  [`run train on ${'b'.repeat(201)}`, bad(BAD_BRANCH, [], 'run')],
  ['deploy qa $(x)', bad(/`\$\(x\)` means in a deploy/, [], 'deploy')],
  ['deploy qa ;rm', bad(/`;rm` means in a deploy/, [], 'deploy')],
  ['run train experimentName=${{ variables.x }}', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=$(System.AccessToken)', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName="x"', bad(SAFE_CHARS, [], 'run')],
  ["run train experimentName='x'", bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=a&b', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=a%20b', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=a#b', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=x?y', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=x&y=z', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=a=b', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName={a:1}', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=[a]', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=*a', bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=!!python', bad(SAFE_CHARS, [], 'run')],
  [`run train experimentName=${'e'.repeat(129)}`, bad(SAFE_CHARS, [], 'run')],
  ['run train experimentName=a:b', bad(/`a:b` is not a valid `experimentName`/, [], 'run')],
  ['run train experimentName=a/b', bad(/`a\/b` is not a valid `experimentName`/, [], 'run')],
  ['run train experimentName=a\nb', bad(/`b` is not a parameter/, [], 'run')],
];

// How people write in a chat: greetings, politeness and filler around a command, "to <env>"
// orders, plain questions, thanks, Teams mention forms, the team's real pipeline names and
// build numbers. The grammar around the command forgives; what runs is parsed strictly.
const HELP = ok('help', {});
const DASH = ok('status', { kind: 'dashboard' });
const st = (pipelineKey: string) => ok('status', { kind: 'pipeline', pipelineKey });
const conversationCases: Case[] = [
  ['hi', HELP],
  ['hello', HELP],
  ['Hey', HELP],
  ['hi there', HELP],
  ['good morning', HELP],
  ['thanks', HELP],
  ['thank you', HELP],
  ['Thanks!', HELP],
  ['thx', HELP],
  ['cheers', HELP],
  ['please', HELP],
  ['hi, deploy qa v3', dep('qa', { model: '3' })],
  ['hello deploy qa v3 please', dep('qa', { model: '3' })],
  ['please deploy custom-qa model v3', dep('custom-qa', { model: '3' })],
  ['pls deploy qa v2', dep('qa', { model: '2' })],
  ['plz status', DASH],
  ['can you deploy qa v3', dep('qa', { model: '3' })],
  ['could you please deploy qa v3?', dep('qa', { model: '3' })],
  ['Could you deploy model v3 to custom-qa, thanks', dep('custom-qa', { model: '3' })],
  ['would you deploy prod v3 please', dep('prod', { model: '3' })],
  ['can u deploy dev', dep('dev')],
  ['kindly deploy qa v1', dep('qa', { model: '1' })],
  ['ok deploy qa', dep('qa')],
  ['okay, deploy qa v2', dep('qa', { model: '2' })],
  ['so deploy qa v2', dep('qa', { model: '2' })],
  ['hey bot, deploy qa v2', dep('qa', { model: '2' })],
  ["I'd like to deploy qa v2", dep('qa', { model: '2' })],
  ['I want to deploy model v3 to prod', dep('prod', { model: '3' })],
  ['i need to deploy qa v3', dep('qa', { model: '3' })],
  ["let's deploy qa v3", dep('qa', { model: '3' })],
  ['go ahead and deploy qa v3', dep('qa', { model: '3' })],
  ['just deploy qa', dep('qa')],
  ['deploy qa v3 now', dep('qa', { model: '3' })],
  ['deploy qa v3 asap', dep('qa', { model: '3' })],
  ['deploy qa v3 for me', dep('qa', { model: '3' })],
  ['deploy qa v3, thanks', dep('qa', { model: '3' })],
  ['deploy qa v3 thank you', dep('qa', { model: '3' })],
  ['deploy qa v3 please thanks', dep('qa', { model: '3' })],
  ['deploy to qa', dep('qa')],
  ['deploy to prod model v3', dep('prod', { model: '3' })],
  ['deploy v3 to qa', dep('qa', { model: '3' })],
  ['deploy model 2 to custom-qa', dep('custom-qa', { model: '2' })],
  ['deploy model v2 to production', dep('prod', { model: '2' })],
  ['please deploy v3 to live', dep('prod', { model: '3' })],
  ['deploy to test v1', dep('qa', { model: '1' })],
  ['deploy to cqa from feature/x', dep('custom-qa', { branch: 'feature/x' })],
  ['deploy to prod dry-run', dep('prod', { dryRun: true })],
  ['deploy to prdo', bad(/^There is no environment `prdo`/, ['prod'], 'deploy')],
  ['please deploy to prdo', bad(/^There is no environment `prdo`/, ['prod'], 'deploy')],
  ['deploy to nowhere', bad(/^There is no environment `nowhere`/, [], 'deploy')],
  ['hi, deploy v3', bad(/^Which environment\?/, [], 'deploy')],
  ['deploy prod v3 branch BAD_Name', dep('prod', { model: '3', branch: 'BAD_Name' })],
  ["what's running?", DASH],
  ['what is running', DASH],
  ['whats running right now', DASH],
  ["what's going on?", DASH],
  ['what is happening', DASH],
  ['how are things', DASH],
  ["how's everything looking", DASH],
  ['what is in prod?', st('prod')],
  ["what's in prod", st('prod')],
  ["what's on qa?", st('qa')],
  ['what is live in production?', st('prod')],
  ["what's deployed in custom-qa", st('custom-qa')],
  ["what's deployed to prod?", st('prod')],
  ['which model is in prod?', st('prod')],
  ['what version is on qa', st('qa')],
  ['what model is live in prod right now?', st('prod')],
  ['is prod ok?', st('prod')],
  ['how is qa doing', st('qa')],
  ["what's in prdo?", bad(/no pipeline `prdo`/, ['prod'], 'status')],
  ["what's pending?", ok('approvals', {})],
  ['anything to approve?', ok('approvals', {})],
  ['is anything waiting for approval?', ok('approvals', {})],
  ['what needs approval', ok('approvals', {})],
  ['who needs my approval?', ok('approvals', {})],
  ['which models are there?', ok('models', {})],
  ['what model versions do we have', ok('models', {})],
  ['who am i?', ok('whoami', {})],
  ['what can I do here?', ok('whoami', {})],
  ['what can you do?', HELP],
  ['how does this work?', HELP],
  ['is anything locked?', ok('locks', {})],
  ['are environments locked', ok('locks', {})],
  ['where can I deploy?', ok('wcid', {})],
  ['where can i deploy now', ok('wcid', {})],
  ['status please', DASH],
  ['status of prod', st('prod')],
  ['status for qa', st('qa')],
  ['status of the prod pipeline', st('prod')],
  ['status of run 12', ok('status', { kind: 'run', runId: 12 })],
  ['status 20261129.3', ok('status', { kind: 'build', buildNumber: '20261129.3' })],
  ['status of build 20261129.3', ok('status', { kind: 'build', buildNumber: '20261129.3' })],
  ['hi, status 20261129.12?', ok('status', { kind: 'build', buildNumber: '20261129.12' })],
  ['logs 20261129.3', ok('logs', { run: { buildNumber: '20261129.3' } })],
  ['why 20261129.3?', ok('logs', { run: { buildNumber: '20261129.3' } })],
  ['cancel 20261129.3 please', ok('cancel', { run: { buildNumber: '20261129.3' } })],
  ['retry 20261129.3', ok('retry', { run: { buildNumber: '20261129.3' } })],
  ['approve 20261129.3 looks good', approve({ buildNumber: '20261129.3' }, 'looks good')],
  ['reject 20261129.3 wrong model', reject({ buildNumber: '20261129.3' }, 'wrong model')],
  ['status [Manual]-[Prod]-deployment', st('prod')],
  ['status [ML]-Train-Evaluate-Register', st('train')],
  ['status [ml]-train-evaluate-register', st('train')],
  ['status [QA]-Deploy', st('qa')],
  ['status [Dev]-Delete-After-24Hours', st('dev-cleanup')],
  ['runs [QA]-Deploy', ok('runs', { pipelineKey: 'qa', count: 10 })],
  ['runs [Manual]-[Custom-QA]-Deploy 3', ok('runs', { pipelineKey: 'custom-qa', count: 3 })],
  ['runs [ML]-[Extract-Prepare]', ok('runs', { pipelineKey: 'extract-prepare', count: 10 })],
  ['run [ML]-Train-Evaluate-Register', run('run', 'train')],
  ['run [DEV]-Build_and_Deploy', run('run', 'dev')],
  ['run [ML]-Train-Evaluate-Register on main', run('run', 'train', { branch: 'main' })],
  ['please run [QA]-Deploy', run('run', 'qa')],
  ['run [QA]-Deploy-X', bad(/no pipeline `\[QA\]-Deploy-X`/, [], 'run')],
  ['show me the runs', ok('runs', { count: 10 })],
  ['thanks, runs prod 5', ok('runs', { pipelineKey: 'prod', count: 5 })],
  ['runs prod 5 please', ok('runs', { pipelineKey: 'prod', count: 5 })],
  ['pipelines please', ok('pipelines', {})],
  ['models thanks', ok('models', {})],
  ['hey, approvals?', ok('approvals', {})],
  ['could you show approvals', ok('approvals', {})],
  ['approve prod looks good, thanks', approve({ environment: 'prod' }, 'looks good, thanks')],
  ['please approve prod ship it please', approve({ environment: 'prod' }, 'ship it please')],
  ['hi, reject prod not today thanks', reject({ environment: 'prod' }, 'not today thanks')],
  [
    'lock prod release freeze please',
    ok('lock', { environment: 'prod', reason: 'release freeze please' }),
  ],
  ['please unlock prod', ok('unlock', { environment: 'prod', force: false })],
  ['can you cancel 12', ok('cancel', { run: { runId: 12 } })],
  ['please retry 12 thanks', ok('retry', { run: { runId: 12 } })],
  ['logs 12 please', ok('logs', { run: { runId: 12 } })],
  ['could you roll back prod', ok('rollback', { environment: 'prod' })],
  ['please rollback prod', ok('rollback', { environment: 'prod' })],
  ['train please', run('train', 'train')],
  ['hi train on develop', run('train', 'train', { branch: 'develop' })],
  ['<at>DigitRE ChatOps</at> hi', HELP],
  ['<at>DigitRE ChatOps</at> thanks!', HELP],
  ['<at>DigitRE ChatOps</at> please deploy qa v3', dep('qa', { model: '3' })],
  ["<at>DigitRE ChatOps</at> what's in prod?", st('prod')],
  ['<at>DigitRE ChatOps</at>&nbsp;status&nbsp;[QA]-Deploy', st('qa')],
  [
    '<p><at>DigitRE ChatOps</at> runs [QA]-Deploy</p>',
    ok('runs', { pipelineKey: 'qa', count: 10 }),
  ],
  ['@DigitRE status 20261129.3', ok('status', { kind: 'build', buildNumber: '20261129.3' })],
  ['hlep', bad(/don't know the command `hlep`/, ['help'], null)],
  ['hi, hlep', bad(/don't know the command `hlep`/, ['help'], null)],
  ['pelase deploy qa', bad(/don't know the command `pelase`/, ['deploy qa'], null)],
  ['depoly qa v3 please', bad(/don't know the command `depoly`/, ['deploy'], null)],
  ['stauts prod?', bad(/don't know the command `stauts`/, ['run', 'status'], null)],
  ['deploy qa v3 brnach main', bad(/`brnach` means in a deploy/, ['branch'], 'deploy')],
];

const all: Case[] = [
  ...conversationCases,
  ...deployCases,
  ...decisionCases,
  ...runCases,
  ...lookCases,
  ...lockCases,
  ...subscriptionCases,
  ...messyCases,
];

describe('parseCommand: phrasings', () => {
  it('has at least 300 phrasings and touches every command in the registry', () => {
    expect(all.length).toBeGreaterThanOrEqual(300);
    const parsedNames = new Set(
      all.flatMap(([, e]) => ('cmd' in e ? [e.cmd] : e.command ? [e.command] : [])),
    );
    expect(registry.map((s) => s.name).filter((n) => !parsedNames.has(n))).toEqual([]);
  });

  it.each(all.filter((c): c is [string, Parsed] => 'cmd' in c[1]))(
    '%j parses',
    (text, { cmd, args }) => {
      const r = parse(text);
      if (!r.ok) throw new Error(`expected ${cmd}, got usage error: ${r.error.problem}`);
      expect(r.spec.name).toBe(cmd);
      expect(r.args).toEqual(args);
    },
  );

  it.each(all.filter((c): c is [string, Refused] => 'problem' in c[1]))(
    '%j is a usage error',
    (text, expected) => {
      const r = parse(text);
      if (r.ok)
        throw new Error(`expected a usage error, got ${r.spec.name} ${JSON.stringify(r.args)}`);
      expect(r.error.problem).toMatch(expected.problem);
      if (expected.suggestions) expect(r.error.suggestions).toEqual(expected.suggestions);
      if (expected.command === null) expect(r.error.command).toBeUndefined();
      else if (expected.command) {
        expect(r.error.command).toBe(expected.command);
        // The usage card shows how to write the command it recognised.
        expect(r.error.usage).toBe(registry.find((s) => s.name === expected.command)!.usage);
      }
    },
  );

  // Bug in src/commands/handlers/lists.ts (parseRuns): a second count silently replaces the first.
  it('"runs prod 5 6" is a usage error, not 6 runs', () => {
    expect(parse('runs prod 5 6').ok).toBe(false);
  });

  it.each([
    'deploy qa branch a<b>c',
    'deploy qa branch a`b',
    'deploy qa *bold*',
    'run train experimentName=[x](http://evil)',
    'deploy qa branch &lt;img&gt;',
  ])('%j: the echoed word carries no markup that could break a card', (text) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    const echoed = /`([^`]*)`/.exec(r.error.problem)![1]!;
    expect(echoed).not.toMatch(/[<>`]/);
  });

  // "Did you mean" buttons send a whole command: the guess put where the typo was, every
  // other word as typed.
  it.each([
    ['deploy prdo v3', ['deploy prod v3']],
    ['deploy to prdo Model v3', ['deploy to prod Model v3']],
    ['stauts prod', ['run prod', 'status prod']],
    ['run extract-prepare computname=Digitre-GPU', ['run extract-prepare computeName=Digitre-GPU']],
    ['pelase deploy qa', ['deploy qa']],
    ['hlep', ['help']],
  ])('%j offers the buttons %j', (text, commands) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    expect(r.error.commands).toEqual(commands);
  });

  it.each([
    ['deploy prod v3 branch BAD_Name!x', 'BAD_Name!x'],
    ['run [QA]-Deploy-X', '[QA]-Deploy-X'],
    ['deploy qa *bold*', '*bold*'],
  ])('%j echoes %j exactly as typed', (text, word) => {
    const r = parse(text);
    if (r.ok) throw new Error('expected a usage error');
    expect(r.error.problem).toContain(`\`${word}\``);
  });
});
