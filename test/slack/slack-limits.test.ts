import { blockKitProblems } from '../../src/slack/slack-limits';

describe("blockKitProblems: each of Slack's limits can fail", () => {
  const text = (n: number) => 'y'.repeat(n);
  const section = (n: number) => ({ type: 'section', text: { type: 'mrkdwn', text: text(n) } });
  const button = (over: Record<string, unknown> = {}) => ({
    type: 'button',
    text: { type: 'plain_text', text: 'Go' },
    action_id: 'go',
    value: 'v',
    ...over,
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => section(1)), /blocks: 51/],
    ['section text', [section(3001)], /section text: 3001/],
    [
      'header text',
      [{ type: 'header', text: { type: 'plain_text', text: text(151) } }],
      /header text: 151/,
    ],
    [
      'button text',
      [{ type: 'actions', elements: [button({ text: { type: 'plain_text', text: text(76) } })] }],
      /button text: 76/,
    ],
    [
      'action_id',
      [{ type: 'actions', elements: [button({ action_id: text(256) })] }],
      /action_id: 256/,
    ],
    ['value', [{ type: 'actions', elements: [button({ value: text(2001) })] }], /value: 2001/],
    [
      '26 elements',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })),
        },
      ],
      /26 elements/,
    ],
    [
      '11 fields',
      [
        {
          type: 'section',
          fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })),
        },
      ],
      /fields: 11/,
    ],
    [
      'field text',
      [{ type: 'section', fields: [{ type: 'mrkdwn', text: text(2001) }] }],
      /field 0: 2001/,
    ],
    [
      'duplicate action ids',
      [{ type: 'actions', elements: [button(), button()] }],
      /action_id go is used twice/,
    ],
  ])('%s', (_what, blocks, problem) => {
    expect(blockKitProblems(blocks).join('\n')).toMatch(problem);
  });
});

describe('blockKitProblems: what the renderer sends', () => {
  it('accepts a message within every limit', () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Run' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*ok*' } },
      { type: 'divider' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'as of now' }] },
    ];
    expect(blockKitProblems(blocks)).toEqual([]);
  });

  it('refuses what is not a list of typed blocks', () => {
    expect(blockKitProblems('x')).toEqual(['blocks: must be an array']);
    expect(blockKitProblems([{ text: 'x' }])).toEqual(['blocks[0]: a block needs a type']);
  });
});
