import { listenErrorMessage } from '../../src/startup/listen-error-message';

const listenError = (code: string) =>
  Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen' });

describe('listenErrorMessage', () => {
  it.each([
    ['EADDRINUSE', /^port 3978 on 127\.0\.0\.1 is already in use .*set PORT to a free port/],
    ['EACCES', /^no permission to listen on port 3978 on 127\.0\.0\.1: set PORT to 1024 or above/],
    ['EADDRNOTAVAIL', /127\.0\.0\.1 is not an address of this machine; set HOST/],
    ['EWHATEVER', /^cannot listen on port 3978 on 127\.0\.0\.1 \(EWHATEVER\): check PORT and HOST/],
  ])('%s names the port and the variable to change', (code, expected) => {
    expect(listenErrorMessage(listenError(code), '127.0.0.1', 3978)).toMatch(expected);
  });

  it('leaves errors that are not about listening alone', () => {
    const notListen = Object.assign(new Error('SQLITE_CANTOPEN'), { code: 'SQLITE_CANTOPEN' });
    expect(listenErrorMessage(notListen, '127.0.0.1', 3978)).toBeUndefined();
    expect(listenErrorMessage(undefined, '127.0.0.1', 3978)).toBeUndefined();
  });
});
