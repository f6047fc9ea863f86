import { capJson } from './caps.ts';
import type { CallError, ExitInfo, ToolCallRecord, ToolResult } from '../../model/index.ts';
import type { Transcript } from './transcript.ts';

export type FinishCall = (
  result: ToolResult | undefined,
  error: CallError | undefined,
  exit?: ExitInfo,
) => ToolCallRecord;

/**
 * Opens the record of one tool call: notes the call in the transcript now and returns the function
 * that completes the record (timing it) and notes its outcome. Every driver records calls this way.
 */
export function beginCall(
  transcript: Transcript,
  seq: number,
  tool: string,
  args: Record<string, unknown>,
): FinishCall {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  transcript.call(seq, tool, args);
  return (result, error, exit) => {
    const record: ToolCallRecord = {
      seq,
      tool,
      arguments: capJson(args).value,
      started_at: startedAt,
      duration_ms: Math.round(performance.now() - started),
    };
    if (result !== undefined) record.result = result;
    if (error !== undefined) record.error = error;
    if (exit !== undefined) record.exit = exit;
    transcript.result(seq, tool, record.duration_ms, result, error);
    return record;
  };
}
