import type { Context } from 'hono';
import type { z } from 'zod';
import { invalidRequest } from './errors.ts';

/** Hono variables the simulator's middleware shares with its handlers. */
export interface SimEnv {
  Variables: {
    /** The request body as text, once the body middleware has read it. */
    rawBody: string;
  };
}

export type SimHonoContext = Context<SimEnv>;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** The request body parsed as JSON; answers 400 invalid_request for a wrong media type or bad JSON. */
export function jsonBody(c: SimHonoContext): unknown {
  const contentType = c.req.header('content-type') ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType)) throw invalidRequest('The request body must be sent as application/json');
  const text = c.get('rawBody') ?? '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest('The request body is not valid JSON');
  }
}

/** Validates `value` with a wire-model schema; every mismatch is a 400 invalid_request. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  throw invalidRequest(`Invalid ${what}: ${issues}`);
}

/** The query parameters as a plain object; a repeated parameter is invalid. */
export function queryParams(c: SimHonoContext): Record<string, string> {
  const all = c.req.queries();
  const params: Record<string, string> = {};
  for (const [name, values] of Object.entries(all)) {
    if (values.length > 1) throw invalidRequest(`The query parameter '${name}' is repeated`);
    params[name] = values[0] ?? '';
  }
  return params;
}

/** A JSON body that must be an object, for endpoints that read individual members before validation. */
export function jsonObjectBody(c: SimHonoContext): Record<string, unknown> {
  const body = jsonBody(c);
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidRequest('The request body must be a JSON object');
  return body as Record<string, unknown>;
}
