import type { HttpResult } from './http-driver.ts';

/** The `error` code of an answer's §5.13 error object, if it has one. */
export function errorCode(result: HttpResult): string | undefined {
  const code: unknown = result.json?.error;
  return typeof code === 'string' ? code : undefined;
}

/** `403 "agent_revoked"`, `200 with status "active"`, `timeout (...)`: an answer, for failure messages. */
export function describeAnswer(result: HttpResult): string {
  if (result.error) return `${result.error.kind} (${result.error.message})`;
  const code = errorCode(result);
  if (code !== undefined) return `${result.status} "${code}"`;
  const status: unknown = result.json?.status;
  const body = result.body.length > 200 ? `${result.body.slice(0, 200)}…` : result.body;
  return typeof status === 'string' ? `${result.status} with status "${status}"` : `${result.status} ${body}`.trim();
}
