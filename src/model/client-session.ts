import { z } from 'zod';

/**
 * What a driven client did in one scenario, as reports keep it: the tools it exposed, each tool call
 * and its outcome, and the session transcript (calls, results, notifications, stderr, protocol
 * violations, process life). Drivers cap every value before it lands here.
 */

/**
 * The data shapes a driver hands to the client suite and its reports: the tools a client exposes,
 * the outcome of one tool call and what went wrong with it. Values are capped at record time
 * (see caps.ts), so embedding them in a report is always safe.
 */

export const CALL_ERROR_KINDS = [
  'timeout', // no answer within the call's deadline
  'crashed', // the client process exited (or its endpoint became unreachable) before answering
  'protocol', // the client broke its transport's protocol: garbage on stdout, malformed messages, bad HTTP answers
  'rpc-error', // the client answered the call with a JSON-RPC error instead of a tool result
  'not-exposed', // the client does not offer the tool
  'aborted', // the caller aborted the call through its signal
  'driver', // the harness side failed: bad configuration, session already closed, command not found
] as const;
export type CallErrorKind = (typeof CALL_ERROR_KINDS)[number];

export const ExitInfoSchema = z.object({
  code: z.number().int().nullable(),
  signal: z.string().nullable(),
});
export type ExitInfo = z.infer<typeof ExitInfoSchema>;

export const CallErrorSchema = z.object({
  kind: z.enum(CALL_ERROR_KINDS),
  message: z.string(),
  /** How the client process ended, for `crashed`. */
  exit: ExitInfoSchema.optional(),
  /** The last lines the client wrote to stderr, for `crashed` and `timeout`. */
  stderr_tail: z.string().optional(),
  /** JSON-RPC error code and data, for `rpc-error`. */
  code: z.number().int().optional(),
  data: z.unknown().optional(),
});
export type CallError = z.infer<typeof CallErrorSchema>;

export const ToolInfoSchema = z.object({
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  /** JSON Schema of the tool's arguments, as the client declares it. */
  inputSchema: z.record(z.string(), z.unknown()),
  outputSchema: z.record(z.string(), z.unknown()).optional(),
});
export type ToolInfo = z.infer<typeof ToolInfoSchema>;

export const ToolResultSchema = z.object({
  /** The client flagged the result as a tool error (MCP `isError`, a non-zero exit, a thrown adapter error). */
  is_error: z.boolean(),
  /** Content blocks as the client returned them (MCP), or one text block holding what it printed or returned. */
  content: z.array(z.unknown()),
  /** Every text content block, joined with newlines; cut at 64 KiB with a marker. */
  text: z.string(),
  /** `text` parsed as JSON when it parses, else the structured content; capped at 64 KiB. */
  json: z.unknown().optional(),
  /** MCP `structuredContent`, when the client sent it. */
  structured_content: z.unknown().optional(),
  /** Some part above was cut to its cap. */
  truncated: z.boolean(),
});
export type ToolResult = z.infer<typeof ToolResultSchema>;

export const ToolCallRecordSchema = z.object({
  /** 1-based number of the call within its session. */
  seq: z.number().int().positive(),
  /** The tool as the caller named it (the spec name when the session is mapped). */
  tool: z.string(),
  arguments: z.unknown(),
  started_at: z.string(),
  duration_ms: z.number().nonnegative(),
  /** Present when the client answered, even with a tool error. */
  result: ToolResultSchema.optional(),
  /** Present when the call did not end in a well-formed answer (or the answer was malformed). */
  error: CallErrorSchema.optional(),
  /** How a per-call process ended (command driver). */
  exit: ExitInfoSchema.optional(),
  /** What was really sent when a declared tool mapping renamed the tool or its arguments. */
  sent: z.object({ tool: z.string(), arguments: z.unknown() }).optional(),
});
export type ToolCallRecord = z.infer<typeof ToolCallRecordSchema>;

const Base = {
  /** 1-based position in the session, shared by all kinds of entries. */
  seq: z.number().int().positive(),
  /** ISO timestamp. */
  at: z.string(),
};

export const LIFECYCLE_EVENTS = ['start', 'spawned', 'ready', 'start-failed', 'exit', 'close', 'closed'] as const;

export const TranscriptEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    ...Base,
    kind: z.literal('lifecycle'),
    event: z.enum(LIFECYCLE_EVENTS),
    message: z.string(),
    pid: z.number().int().optional(),
    exit: ExitInfoSchema.optional(),
  }),
  z.object({
    ...Base,
    kind: z.literal('call'),
    call: z.number().int().positive(),
    tool: z.string(),
    arguments: z.unknown(),
  }),
  z.object({
    ...Base,
    kind: z.literal('result'),
    call: z.number().int().positive(),
    tool: z.string(),
    duration_ms: z.number().nonnegative(),
    result: ToolResultSchema.optional(),
    error: CallErrorSchema.optional(),
  }),
  /** A notification from the client (log message, progress, list change, …). */
  z.object({ ...Base, kind: z.literal('notification'), method: z.string(), params: z.unknown().optional() }),
  /** A request from the client to the harness (ping, sampling, elicitation, …). */
  z.object({ ...Base, kind: z.literal('request'), method: z.string(), params: z.unknown().optional() }),
  z.object({ ...Base, kind: z.literal('stderr'), line: z.string() }),
  /** Something that broke the transport's protocol: a stray stdout line, a malformed message, an HTTP failure. */
  z.object({ ...Base, kind: z.literal('protocol'), message: z.string(), data: z.string().optional() }),
]);
export type TranscriptEntry = z.infer<typeof TranscriptEntrySchema>;

export const TranscriptSnapshotSchema = z.object({
  entries: z.array(TranscriptEntrySchema),
  dropped: z.object({
    notifications: z.number().int().nonnegative(),
    protocol: z.number().int().nonnegative(),
    stderr_lines: z.number().int().nonnegative(),
    stderr_bytes: z.number().int().nonnegative(),
  }),
});
export type TranscriptSnapshot = z.infer<typeof TranscriptSnapshotSchema>;
