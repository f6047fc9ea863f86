/**
 * A user driving better-auth like a browser would: email+password sign-up/sign-in over HTTP, then
 * calls to user-facing endpoints carrying the session cookie (and the Origin header better-auth's
 * CSRF check expects). Every user the control adapter creates shares one password, so the adapter
 * can sign in again as any of them for a fresh session.
 */

export const USER_PASSWORD = 'conformance-user-password';

export interface PluginAnswer {
  status: number;
  body: unknown;
}

export class UserSession {
  private constructor(
    private readonly issuer: string,
    private readonly origin: string,
    private readonly cookie: string,
    readonly userId: string,
  ) {}

  /** Creates the account and returns its first (fresh) session. */
  static signUp(issuer: string, origin: string, email: string, name: string): Promise<UserSession> {
    return UserSession.open(issuer, origin, '/sign-up/email', { email, name, password: USER_PASSWORD });
  }

  /** A fresh session for an existing account created by the adapter. */
  static signIn(issuer: string, origin: string, email: string): Promise<UserSession> {
    return UserSession.open(issuer, origin, '/sign-in/email', { email, password: USER_PASSWORD });
  }

  private static async open(issuer: string, origin: string, path: string, body: object): Promise<UserSession> {
    const response = await fetch(`${issuer}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => null)) as { user?: { id?: unknown } } | null;
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const userId = answer?.user?.id;
    if (!response.ok || typeof userId !== 'string' || cookie === '') {
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(answer)}`);
    }
    return new UserSession(issuer, origin, cookie, userId);
  }

  /** POSTs JSON to a better-auth endpoint (path relative to the issuer) with this session. */
  post(path: string, body: object): Promise<PluginAnswer> {
    return postJson(`${this.issuer}${path}`, this.origin, body, this.cookie);
  }
}

/** POSTs JSON like a browser page on `origin` would, optionally with a session cookie. */
export async function postJson(url: string, origin: string, body: object, cookie?: string): Promise<PluginAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', origin };
  if (cookie !== undefined) headers.cookie = cookie;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the raw text
  }
  return { status: response.status, body: parsed };
}
