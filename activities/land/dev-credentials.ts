import { ConfigError, sourceEnvPrefix } from './sources.js';
import type { LandContext } from './connector.js';

/** True when a URL points at this machine (the bundled simulators), where dev credentials are allowed. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

/**
 * The credential `DEVENIR_<SOURCE>_<name>` from configuration; on a loopback base URL the simulators' documented dev
 * value is used when it is unset. Anywhere else a missing credential is a ConfigError (non-retryable) naming the variable.
 */
export function credential(
  ctx: Pick<LandContext, 'source' | 'config' | 'baseUrl'>,
  name: string,
  devValue: string,
): string {
  const value = ctx.config.credentials[name];
  if (value) return value;
  if (isLoopback(ctx.baseUrl)) return devValue;
  const variable = `${sourceEnvPrefix(ctx.source)}_${name}`;
  throw new ConfigError(`${ctx.source}: missing credential ${variable} for ${ctx.baseUrl} (set it in the environment)`);
}
