import { type Case, bad, run, SAFE_CHARS, PIPES } from './phrasing-table';

export const RUN_CASES: Case[] = [
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
