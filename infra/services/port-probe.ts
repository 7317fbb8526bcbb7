import net from 'node:net';
import { ServiceError } from './service-error.js';

/** True when something accepts TCP connections on host:port (within timeoutMs). */
export function isPortOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Reads a port from the environment, or the default; throws on a value that is not a usable port. */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number, max = 65_535): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > max) {
    throw new Error(`${name}=${raw} is not a port number between 1 and ${max}.`);
  }
  return port;
}

/** Throws one clear sentence when a port we are about to bind is already taken on loopback. */
export async function assertPortsFree(ports: number[], advice: string): Promise<void> {
  for (const port of ports) {
    if (await isPortOpen('127.0.0.1', port))
      throw new ServiceError(`Port ${port} is in use by another program; ${advice}.`);
  }
}
