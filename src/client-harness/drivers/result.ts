import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { capContent, capJson, capText } from './caps.ts';
import type { ToolResult } from '../../model/index.ts';

/**
 * Turns what a client answered into a capped ToolResult: an MCP tools/call result, a value an
 * adapter returned, or what a command printed.
 */

/** An MCP tools/call result, kept even when malformed; `problem` then says what is wrong with it. */
export function resultFromMcp(raw: unknown): { result: ToolResult; problem?: string } {
  const record = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const blocks = Array.isArray(record.content) ? record.content : [];
  const texts = blocks.flatMap((block) => {
    const { type, text } = (block ?? {}) as { type?: unknown; text?: unknown };
    return type === 'text' && typeof text === 'string' ? [text] : [];
  });
  const text = texts.join('\n');
  const structured = record.structuredContent;
  const result = build(record.isError === true, blocks, text, parseJson(text) ?? structured, structured);
  const parsed = CallToolResultSchema.safeParse(raw);
  if (parsed.success) return { result };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { result, problem: `malformed tools/call result${where}: ${issue?.message ?? 'invalid'}` };
}

/** A value an in-process adapter returned: strings are the text, anything else is serialized. */
export function resultFromValue(value: unknown, isError: boolean): ToolResult {
  if (typeof value === 'string') return fromText(value, isError);
  let text: string;
  try {
    text = JSON.stringify(value) ?? '';
  } catch (error) {
    text = `[not serializable: ${error instanceof Error ? error.message : String(error)}]`;
  }
  return build(isError, [{ type: 'text', text }], text, value, undefined);
}

/** What a command printed on stdout. */
export function resultFromOutput(stdout: string, isError: boolean): ToolResult {
  return fromText(stdout, isError);
}

function fromText(text: string, isError: boolean): ToolResult {
  return build(isError, [{ type: 'text', text }], text, parseJson(text), undefined);
}

function build(
  isError: boolean,
  blocks: readonly unknown[],
  text: string,
  json: unknown,
  structured: unknown,
): ToolResult {
  const content = capContent(blocks);
  const shownText = capText(text);
  const shownJson = capJson(json);
  const shownStructured = capJson(structured);
  const result: ToolResult = {
    is_error: isError,
    content: content.content,
    text: shownText.text,
    truncated: content.truncated || shownText.truncated || shownJson.truncated || shownStructured.truncated,
  };
  if (shownJson.value !== undefined) result.json = shownJson.value;
  if (shownStructured.value !== undefined) result.structured_content = shownStructured.value;
  return result;
}

export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What an adapter threw: a tool error whose JSON keeps the error's name, message and own fields. */
export function resultFromError(thrown: unknown): ToolResult {
  if (!(thrown instanceof Error))
    return build(true, [{ type: 'text', text: String(thrown) }], String(thrown), thrown, undefined);
  const text = `${thrown.name}: ${thrown.message}`;
  const view = { ...(thrown as unknown as Record<string, unknown>), name: thrown.name, message: thrown.message };
  return build(true, [{ type: 'text', text }], text, view, undefined);
}
