import { normalizeText } from '../../src/commands/normalize-text';

describe('normalizeText', () => {
  it.each([
    ['<at>DigitRE</at> help', 'help'],
    ['<at>DigitRE Bot</at>&nbsp;deploy   prod', 'deploy prod'],
    ['<p><at>DigitRE</at> status</p>', 'status'],
    ['  approve prod\n looks good ', 'approve prod looks good'],
    ['deploy custom-qa model v3', 'deploy custom-qa model v3'],
    ['lock prod &quot;release&quot; &amp; freeze', 'lock prod "release" & freeze'],
    ['\u200Bhelp\uFEFF', 'help'],
    ['', ''],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeText(raw)).toBe(expected);
  });
});

describe('normalizeText: what people type around a command', () => {
  it.each([
    ['status?', 'status'],
    ['@DigitRE status', 'status'],
    ['who am i?!', 'who am i'],
    ['approve prod looks good.', 'approve prod looks good.'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeText(raw)).toBe(expected);
  });
});
