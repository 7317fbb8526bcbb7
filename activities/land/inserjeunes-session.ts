import type { LandContext } from './connector.js';
import { ContractError } from './dataset-columns.js';
import { credential } from './dev-credentials.js';
import { HttpError, type HttpResponse } from './http.js';

/** The API's tokens live 2 minutes; a new one is asked for a little before. */
const TOKEN_LIFETIME_MS = 110_000;

interface Token {
  value: string;
  at: number;
}

/**
 * An authenticated InserJeunes session: `POST /login` with the `username` / `password` headers, Bearer token
 * renewed before its 2 minutes are up, one new login on a 401, and a non-retryable failure on a second 401.
 */
export class InserjeunesSession {
  private token?: Promise<Token>;

  constructor(private readonly ctx: LandContext) {}

  /** GET below the API base with the current token; statuses in `acceptStatus` are returned instead of thrown. */
  async get(path: string, acceptStatus: number[] = []): Promise<HttpResponse> {
    const send = (token: string) =>
      this.ctx.http.request(path, {
        headers: { authorization: `Bearer ${token}` },
        expect: 'json',
        acceptStatus: [...acceptStatus, 401],
      });
    const token = await this.tokenValue();
    const first = await send(token);
    if (first.status !== 401) return first;
    const second = await send(await this.tokenValue(token));
    if (second.status !== 401) return second;
    throw new HttpError(
      `inserjeunes: HTTP 401 on ${second.url} again right after a new login: ${second.text().slice(0, 120)}`,
      'inserjeunes',
      second.url,
      401,
      false,
      undefined,
      second.text().slice(0, 300),
    );
  }

  /** The current token, or a new one when it is old or equals `stale` (concurrent callers share one login). */
  private async tokenValue(stale?: string): Promise<string> {
    const pending = this.token;
    if (pending) {
      const token = await pending.catch(() => undefined);
      if (token && token.value !== stale && Date.now() - token.at < TOKEN_LIFETIME_MS) return token.value;
      if (this.token !== pending) return this.tokenValue(stale);
    }
    this.token = this.login();
    return (await this.token).value;
  }

  private async login(): Promise<Token> {
    const username = credential(this.ctx, 'USERNAME', 'devenir');
    const password = credential(this.ctx, 'PASSWORD', 'devenir');
    const res = await this.ctx.http.request('login', {
      method: 'POST',
      headers: { username, password },
      expect: 'json',
      acceptStatus: [401, 403],
    });
    if (res.status === 401 || res.status === 403) {
      throw new HttpError(
        `inserjeunes: login refused (HTTP ${res.status}) on ${res.url}; check DEVENIR_INSERJEUNES_USERNAME and DEVENIR_INSERJEUNES_PASSWORD`,
        'inserjeunes',
        res.url,
        res.status,
        false,
      );
    }
    const value = res.json<{ access_token?: unknown }>().access_token;
    if (typeof value !== 'string' || !value)
      throw new ContractError(
        `inserjeunes: no "access_token" in the answer of ${res.url}`,
        'inserjeunes',
        'login',
        res.url,
      );
    return { value, at: Date.now() };
  }
}
