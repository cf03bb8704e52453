import { lazyPort } from '../../src/startup/lazy-port';

interface Port {
  add(a: number, b: number): Promise<number>;
  name(): Promise<string>;
}

class Real implements Port {
  constructor(private readonly label: string) {}
  async add(a: number, b: number): Promise<number> {
    return a + b;
  }
  async name(): Promise<string> {
    return this.label; // `this` must be the real port
  }
}

describe('lazyPort', () => {
  it('builds nothing until the first call, then once', async () => {
    const build = jest.fn(() => new Real('ado'));
    const { port } = lazyPort<Port>(build);
    expect(build).not.toHaveBeenCalled();
    await expect(Promise.all([port.add(1, 2), port.name(), port.add(3, 4)])).resolves.toEqual([
      3,
      'ado',
      7,
    ]);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('warm() builds it ahead of the first call', async () => {
    const build = jest.fn(async () => new Real('warm'));
    const lazy = lazyPort<Port>(build);
    await expect(lazy.warm()).resolves.toBeInstanceOf(Real);
    await expect(lazy.port.name()).resolves.toBe('warm');
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('retries a failed build on the next call', async () => {
    const build = jest
      .fn<Port, []>()
      .mockImplementationOnce(() => {
        throw new Error('cannot load');
      })
      .mockImplementation(() => new Real('second'));
    const { port, warm } = lazyPort<Port>(build);
    await expect(warm()).rejects.toThrow('cannot load');
    await expect(port.name()).resolves.toBe('second');
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('is not a thenable and refuses what is not a method', async () => {
    const { port } = lazyPort<Port>(() => new Real('x'));
    expect(await Promise.resolve(port)).toBe(port);
    await expect((port as unknown as { missing(): Promise<void> }).missing()).rejects.toThrow(
      /missing is not a method/,
    );
  });
});
