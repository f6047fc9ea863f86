/**
 * Size caps for everything a client under test can make the harness keep. A client that answers
 * with megabytes, floods notifications or writes to stderr without end must cost bounded memory
 * and produce reports of bounded size, so every value is cut at record time, with a marker saying
 * how much there was.
 */

/** Result text, result JSON, content and call arguments are each cut at this many bytes. */
export const MAX_VALUE_BYTES = 64 * 1024;
/** A notification's params, a stderr line or a stray stdout line is cut at this many bytes. */
export const MAX_ENTRY_BYTES = 8 * 1024;

/** The key of the object that replaces a JSON value too large to keep. */
export const TRUNCATED_KEY = '$truncated';
const PREVIEW_BYTES = 1024;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The first `maxBytes` bytes of `text` (a multi-byte character cut in half becomes U+FFFD). */
export function headBytes(text: string, maxBytes: number): string {
  return Buffer.from(text, 'utf8').subarray(0, maxBytes).toString('utf8');
}

/** `text` cut at `maxBytes` with a marker naming its full size; unchanged when it fits. */
export function capText(text: string, maxBytes = MAX_VALUE_BYTES): { text: string; truncated: boolean } {
  const bytes = byteLength(text);
  if (bytes <= maxBytes) return { text, truncated: false };
  return { text: `${headBytes(text, maxBytes)}\n…[truncated: ${bytes} bytes in total]`, truncated: true };
}

/**
 * A JSON-safe copy of `value` whose serialization fits `maxBytes`. A larger value becomes
 * `{ "$truncated": "<what>", "preview": "<start of its JSON text>" }`; a value JSON cannot express
 * (a cycle, a BigInt) becomes `{ "$truncated": "not serializable: <why>" }`. `undefined` stays
 * `undefined`.
 */
export function capJson(value: unknown, maxBytes = MAX_VALUE_BYTES): { value: unknown; truncated: boolean } {
  if (value === undefined) return { value: undefined, truncated: false };
  let serialized: string | undefined;
  try {
    serialized = JSON.stringify(value);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { value: { [TRUNCATED_KEY]: `not serializable: ${why}` }, truncated: true };
  }
  // JSON.stringify gives undefined for functions and symbols.
  if (serialized === undefined) return { value: undefined, truncated: false };
  const bytes = byteLength(serialized);
  if (bytes <= maxBytes) return { value: JSON.parse(serialized) as unknown, truncated: false };
  return {
    value: {
      [TRUNCATED_KEY]: `JSON value of ${bytes} bytes exceeds the ${maxBytes}-byte cap`,
      preview: headBytes(serialized, PREVIEW_BYTES),
    },
    truncated: true,
  };
}

/**
 * MCP content blocks kept in order while they fit `maxBytes` together: the block that crosses the
 * cap has its `text` cut (or is dropped when it has none), and one marker block replaces the rest.
 */
export function capContent(
  blocks: readonly unknown[],
  maxBytes = MAX_VALUE_BYTES,
): { content: unknown[]; truncated: boolean } {
  const content: unknown[] = [];
  let used = 0;
  for (const [index, block] of blocks.entries()) {
    const { value, truncated } = capJson(block, maxBytes);
    const size = byteLength(JSON.stringify(value) ?? 'null');
    if (!truncated && used + size <= maxBytes) {
      content.push(value);
      used += size;
      continue;
    }
    const room = maxBytes - used;
    const text = (block as { text?: unknown } | null)?.text;
    if (typeof text === 'string' && room > 256) {
      content.push({ ...(block as object), text: capText(text, room - 256).text });
    }
    const dropped = blocks.length - index - (typeof text === 'string' && room > 256 ? 1 : 0);
    if (dropped > 0)
      content.push({
        type: TRUNCATED_KEY,
        text: `${dropped} more content block(s) dropped: content exceeds the ${maxBytes}-byte cap`,
      });
    return { content, truncated: true };
  }
  return { content, truncated: false };
}
