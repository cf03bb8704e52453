import { CodedError } from '../errors/coded-error';

/**
 * An invalid configuration: the message names the variable and what is allowed, and the bot
 * stops before it listens.
 * @example throw new ConfigError('invalid configuration:\n  PORT: must be a port number');
 */
export class ConfigError extends CodedError<'configInvalid'> {
  constructor(message: string) {
    super('configInvalid', message);
  }
}

/** A ConfigError for one variable, in the shape every configuration message has. */
export function invalidVariable(name: string, why: string): ConfigError {
  return new ConfigError(`invalid configuration:\n  ${name}: ${why}`);
}
