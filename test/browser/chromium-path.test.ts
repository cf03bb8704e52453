import { chromiumPath } from '../support/chromium';

describe('chromiumPath', () => {
  it('is CHROMIUM_PATH when set, else Debian’s /usr/bin/chromium', () => {
    expect(chromiumPath({ CHROMIUM_PATH: '/opt/google/chrome/chrome' })).toBe(
      '/opt/google/chrome/chrome',
    );
    expect(chromiumPath({})).toBe('/usr/bin/chromium');
    expect(chromiumPath({ CHROMIUM_PATH: '  ' })).toBe('/usr/bin/chromium');
  });
});
