import { describeExchange, ErrorResponseSchema, type CheckContext, type HttpResult } from '../../../src/harness/api.ts';

/** One deliberately bad request and the error the spec pairs with it. */
export interface ErrorProbe {
  /** What is wrong with the request, e.g. "malformed JSON body". */
  what: string;
  send(): Promise<HttpResult>;
  status: number | readonly number[];
  code: string | readonly string[];
  /**
   * Says why an answer other than the expected error is tolerated (a ruling allows it); undefined
   * when it is not. A tolerated answer becomes a note, and is still held to the error format if it is one.
   */
  tolerated?(result: HttpResult): string | undefined;
}

/** Requirements every error-format check observes (§5.13). */
export const ERROR_FORMAT_REQUIREMENTS = ['AAP-5.13-01', 'AAP-5.13-02', 'AAP-5.13-03', 'AAP-5.13-11'];

/** Why an error answer breaks the §5.13 shape (snake_case `error`, string `message`); empty when it does not. */
export function errorFormatProblems(result: HttpResult): string[] {
  const body: unknown = result.json;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [`the body is not a JSON object: ${result.body.slice(0, 200) || '(empty)'}`];
  }
  const parsed = ErrorResponseSchema.safeParse(body);
  if (parsed.success) return [];
  const { error, message, error_description: description } = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof error !== 'string') problems.push(`"error" is ${JSON.stringify(error)}, not a string`);
  else if (!/^[a-z0-9]+(?:_[a-z0-9]+)*$/.test(error)) problems.push(`"error" is "${error}", not a snake_case code`);
  if (typeof message !== 'string') {
    problems.push(
      description === undefined
        ? `"message" is ${JSON.stringify(message)}, not a string`
        : `the explanation is in the OAuth "error_description" member instead of "message"`,
    );
  }
  if (problems.length === 0)
    problems.push(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return problems;
}

function oneOrMore<T extends string | number>(value: T | readonly T[]): readonly T[] {
  return typeof value === 'object' ? value : [value];
}

/**
 * Sends every probe and fails listing each one whose answer is not the expected status and code in
 * the §5.13 error format. All probes run even after a mismatch, so one report shows every problem.
 */
export async function expectErrors(t: CheckContext, endpoint: string, probes: readonly ErrorProbe[]): Promise<void> {
  const problems: string[] = [];
  for (const probe of probes) {
    const result = await probe.send();
    const statuses = oneOrMore(probe.status);
    const codes = oneOrMore(probe.code);
    const expected = `${statuses.join(' or ')} ${codes.join(' or ')}`;
    if (result.error) {
      problems.push(`${probe.what}: expected ${expected}, but no answer came (${describeExchange(result.exchange)})`);
      continue;
    }
    const code: unknown = result.json?.error;
    const tolerated = probe.tolerated?.(result);
    if (tolerated !== undefined) {
      t.note(`${probe.what}: ${tolerated}`);
    } else if (!statuses.includes(result.status) || typeof code !== 'string' || !codes.includes(code)) {
      const got =
        typeof code === 'string'
          ? `${result.status} ${code}`
          : `${result.status}; body: ${result.body.slice(0, 200) || '(empty)'}`;
      problems.push(`${probe.what}: expected ${expected}, got ${got}`);
    }
    if (result.status >= 400) {
      for (const problem of errorFormatProblems(result))
        problems.push(`${probe.what}: the ${result.status} answer breaks the error format: ${problem}`);
    }
  }
  t.expect(problems.length === 0, `${endpoint} (§5.13):\n- ${problems.join('\n- ')}`);
}
