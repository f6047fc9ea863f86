import type { CheckContext, HttpResult } from '../../../src/harness/api.ts';

/** Fetches discovery without credentials (recorded on the check) and returns its JSON object. */
export async function fetchDiscoveryObject(
  t: CheckContext,
): Promise<{ result: HttpResult; document: Record<string, unknown> }> {
  const result = await t.client.fetchDiscovery();
  t.expectStatus(result, 200, 'GET discovery');
  const document: unknown = result.json;
  t.expect(
    typeof document === 'object' && document !== null && !Array.isArray(document),
    'discovery did not answer a JSON object',
  );
  return { result, document: document as Record<string, unknown> };
}

export function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}
