import { randomBytes } from 'node:crypto';
import type { SimRequest } from './server.js';

/** Dev credentials every simulator accepts (documented in README "Simulators"). */
export const DEV_USER = 'devenir';
export const DEV_PASSWORD = 'devenir';
export const DEV_TOKEN = 'devenir-dev';

/** Session tokens a simulator has issued; anything else is refused like an expired or forged token. */
export class TokenBook {
  private readonly tokens = new Set<string>();

  issue(prefix: string): string {
    const token = `${prefix}-${randomBytes(12).toString('hex')}`;
    this.tokens.add(token);
    return token;
  }

  has(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }
}

/** The token of an `Authorization: Bearer …` header, if any. */
export function bearerToken(req: SimRequest): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header) : null;
  return match?.[1];
}

/** A JSON error body the way the publishers send them. */
export function jsonError(status: number, message: string) {
  return { status, body: { error: message, statusCode: status } };
}
