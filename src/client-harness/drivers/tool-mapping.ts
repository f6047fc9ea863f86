import { z } from 'zod';
import { issuesInOneLine } from '../../harness/input-issues.ts';
import { capJson } from './caps.ts';
import {
  DriverConfigError,
  type CallOptions,
  type ClientDriver,
  type ClientSession,
  type StartOptions,
} from './driver.ts';
import type { ToolCallRecord, ToolInfo, ToolResult } from '../../model/index.ts';

/**
 * Declared tool mappings: a client whose tools, argument names or result fields differ from §6
 * (a tool `connect` for `connect_agent`, an argument `aud` for `audience`, camelCase result fields)
 * can still be certified. `mapSession` lets the suite always call spec names with spec arguments
 * and read spec field names, while every mapping stays a *declared workaround*: it needs a reason,
 * and the session lists each one, with how often it took effect, for the reports.
 *
 * ```json
 * {
 *   "reason": "the client predates the v1.0 tool names",
 *   "tools": {
 *     "connect_agent": {
 *       "name": "connect",
 *       "arguments": { "audience": "aud" },
 *       "results": { "agent_id": "agentId", "grants.grant_status": "grantStatus" },
 *       "reason": "connect_agent is called connect and speaks camelCase"
 *     }
 *   }
 * }
 * ```
 *
 * Argument and result entries map a spec field PATH (dot-separated spec names; arrays on the way,
 * a top-level array included, are entered element by element) to the client's KEY at that place.
 * Nested entries are written in spec names throughout, so a renamed parent and a renamed child are
 * two entries. Payloads the spec does not name (capability arguments, capability output) are never
 * touched. Only `json` and `structured_content` of a result are mapped (`text` and `content` stay as
 * the client sent them); the record keeps what was really sent in `sent`, and the transcript shows
 * the client's names throughout.
 */

const SpecPath = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a field path is spec field names joined by dots');
const ClientKey = z.string().regex(/^[^.\s]+$/, "the client's field name at that place (not a path)");

export const ToolMappingEntrySchema = z.strictObject({
  /** The client's name for the tool. */
  name: z.string().min(1).optional(),
  /** Spec argument path → the client's argument name there. */
  arguments: z.record(SpecPath, ClientKey).optional(),
  /** Spec result field path → the client's field name there. */
  results: z.record(SpecPath, ClientKey).optional(),
  /** Why the client needs it (falls back to the top-level reason). */
  reason: z.string().min(1).optional(),
});

export const ToolMappingSchema = z
  .strictObject({
    /** The reason for every entry that gives none. */
    reason: z.string().min(1).optional(),
    /** Spec tool name → how the client differs. */
    tools: z.record(z.string().min(1), ToolMappingEntrySchema),
  })
  .superRefine((mapping, ctx) => {
    const clientNames = new Map<string, string>();
    for (const [tool, entry] of Object.entries(mapping.tools)) {
      if (entry.reason === undefined && mapping.reason === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', tool, 'reason'],
          message: 'every mapping is a declared workaround: give its reason here or at the top level',
        });
      }
      if (entry.name === undefined && entry.arguments === undefined && entry.results === undefined) {
        ctx.addIssue({ code: 'custom', path: ['tools', tool], message: 'the entry maps nothing' });
      }
      const clientName = entry.name ?? tool;
      const other = clientNames.get(clientName);
      if (other !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['tools', tool, 'name'],
          message: `${tool} and ${other} both map to the client tool ${clientName}`,
        });
      }
      clientNames.set(clientName, tool);
    }
  });
export type ToolMapping = z.infer<typeof ToolMappingSchema>;

/** Validates a mapping (e.g. from a client profile); a DriverConfigError says what is wrong. */
export function parseToolMapping(raw: unknown, source = 'tool mapping'): ToolMapping {
  const parsed = ToolMappingSchema.safeParse(raw);
  if (!parsed.success) throw new DriverConfigError(`invalid ${source}: ${issuesInOneLine(parsed.error)}`);
  return parsed.data;
}

/** One declared mapping as reports list it. */
export const MappingWorkaroundSchema = z.object({
  /** The spec tool it belongs to. */
  tool: z.string(),
  kind: z.enum(['tool-name', 'argument', 'result-field']),
  /** The spec's name (a tool name or a field path). */
  spec: z.string(),
  /** The client's name. */
  client: z.string(),
  /** What the driver does differently, in a sentence. */
  effect: z.string(),
  reason: z.string(),
  /** Calls in this session where it took effect. */
  applied: z.number().int().nonnegative(),
});
export type MappingWorkaround = z.infer<typeof MappingWorkaroundSchema>;

export interface MappedSession extends ClientSession {
  /** Every declared mapping, with how often it took effect so far. */
  workarounds(): MappingWorkaround[];
}

interface FieldRename {
  workaround: MappingWorkaround;
  /** Spec names of the parents, then the spec and client names of the field. */
  parents: string[];
  specKey: string;
  clientKey: string;
}

interface CompiledTool {
  clientName: string;
  nameWorkaround?: MappingWorkaround;
  /** Applied to arguments deepest first, so parents still carry their spec names when children are renamed. */
  argumentRenames: FieldRename[];
  /** Applied to results shallowest first, so parents already carry their spec names. */
  resultRenames: FieldRename[];
}

/** Wraps a session so the suite speaks spec names only; an empty mapping changes nothing. */
export function mapSession(session: ClientSession, mapping: ToolMapping): MappedSession {
  return new MappingSession(session, compile(mapping));
}

/** Wraps a driver so each session it starts is mapped. */
export function mapDriver(driver: ClientDriver, mapping: ToolMapping): ClientDriver {
  const compiled = compile(mapping);
  return {
    kind: driver.kind,
    describe: () => `${driver.describe()} (with ${compiled.workarounds.length} declared tool mapping(s))`,
    start: async (options: StartOptions) => new MappingSession(await driver.start(options), compiled),
  };
}

interface Compiled {
  tools: Map<string, CompiledTool>;
  /** Client tool name → spec tool name, for renamed tools. */
  specNameOf: Map<string, string>;
  workarounds: MappingWorkaround[];
}

function compile(mapping: ToolMapping): Compiled {
  const tools = new Map<string, CompiledTool>();
  const specNameOf = new Map<string, string>();
  const workarounds: MappingWorkaround[] = [];
  for (const [tool, entry] of Object.entries(mapping.tools)) {
    const reason = entry.reason ?? mapping.reason ?? '';
    const compiled: CompiledTool = { clientName: entry.name ?? tool, argumentRenames: [], resultRenames: [] };
    if (entry.name !== undefined && entry.name !== tool) {
      compiled.nameWorkaround = {
        tool,
        kind: 'tool-name',
        spec: tool,
        client: entry.name,
        effect: `calls to ${tool} go to the client's tool ${entry.name}`,
        reason,
        applied: 0,
      };
      workarounds.push(compiled.nameWorkaround);
      specNameOf.set(entry.name, tool);
    }
    const renames = (fields: Record<string, string> | undefined, kind: 'argument' | 'result-field') =>
      Object.entries(fields ?? {}).map(([path, clientKey]): FieldRename => {
        const segments = path.split('.');
        const specKey = segments.pop()!;
        const effect =
          kind === 'argument'
            ? `the ${tool} argument ${path} is sent as ${clientKey}`
            : `the ${tool} result field ${clientKey} at ${segments.length > 0 ? segments.join('.') : 'the top level'} is read as ${specKey}`;
        const workaround: MappingWorkaround = { tool, kind, spec: path, client: clientKey, effect, reason, applied: 0 };
        workarounds.push(workaround);
        return { workaround, parents: segments, specKey, clientKey };
      });
    compiled.argumentRenames = renames(entry.arguments, 'argument').sort((a, b) => b.parents.length - a.parents.length);
    compiled.resultRenames = renames(entry.results, 'result-field').sort((a, b) => a.parents.length - b.parents.length);
    tools.set(tool, compiled);
  }
  return { tools, specNameOf, workarounds };
}

class MappingSession implements MappedSession {
  private readonly counts = new Map<MappingWorkaround, number>();

  constructor(
    private readonly inner: ClientSession,
    private readonly compiled: Compiled,
  ) {}

  get scenarioId(): string {
    return this.inner.scenarioId;
  }

  get transcript() {
    return this.inner.transcript;
  }

  workarounds(): MappingWorkaround[] {
    return this.compiled.workarounds.map((workaround) => ({
      ...workaround,
      applied: this.counts.get(workaround) ?? 0,
    }));
  }

  async tools(): Promise<ToolInfo[]> {
    const shown: ToolInfo[] = [];
    for (const tool of await this.inner.tools()) {
      const specName = this.compiled.specNameOf.get(tool.name) ?? tool.name;
      const compiled = this.compiled.tools.get(specName);
      // A client tool carrying a spec name that is mapped to another of its tools is out of the suite's reach.
      if (specName === tool.name && compiled?.nameWorkaround !== undefined) continue;
      shown.push(
        compiled === undefined
          ? tool
          : { ...tool, name: specName, inputSchema: specInputSchema(tool.inputSchema, compiled) },
      );
    }
    return shown;
  }

  async call(tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<ToolCallRecord> {
    const compiled = this.compiled.tools.get(tool);
    if (compiled === undefined) return this.inner.call(tool, args, options);
    const clientArgs = structuredClone(args);
    const renamed = compiled.argumentRenames.filter((rename) =>
      renameAt(clientArgs, rename.parents, rename.specKey, rename.clientKey),
    );
    const record = await this.inner.call(compiled.clientName, clientArgs, options);
    if (compiled.nameWorkaround) this.count(compiled.nameWorkaround);
    for (const rename of renamed) this.count(rename.workaround);

    const mapped: ToolCallRecord = { ...record, tool, arguments: capJson(args).value };
    if (compiled.nameWorkaround || renamed.length > 0)
      mapped.sent = { tool: compiled.clientName, arguments: record.arguments };
    if (record.result) mapped.result = this.mapResult(record.result, compiled);
    if (record.error?.kind === 'not-exposed' && compiled.nameWorkaround) {
      mapped.error = {
        ...record.error,
        message: `${record.error.message} (${tool} is mapped to ${compiled.clientName} by a declared workaround)`,
      };
    }
    return mapped;
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private mapResult(result: ToolResult, compiled: CompiledTool): ToolResult {
    if (compiled.resultRenames.length === 0) return result;
    const mapped: ToolResult = { ...result };
    const applied = new Set<MappingWorkaround>();
    for (const field of ['json', 'structured_content'] as const) {
      if (result[field] === undefined) continue;
      const value = structuredClone(result[field]);
      for (const rename of compiled.resultRenames) {
        if (renameAt(value, rename.parents, rename.clientKey, rename.specKey)) applied.add(rename.workaround);
      }
      mapped[field] = value;
    }
    for (const workaround of applied) this.count(workaround);
    return mapped;
  }

  private count(workaround: MappingWorkaround): void {
    this.counts.set(workaround, (this.counts.get(workaround) ?? 0) + 1);
  }
}

/**
 * Renames `from` to `to` in every object reached by following `parents` from `root` (arrays are
 * entered element by element). A field already present under `to` is left alone. Returns whether
 * anything was renamed.
 */
function renameAt(root: unknown, parents: readonly string[], from: string, to: string): boolean {
  if (Array.isArray(root)) return root.map((element) => renameAt(element, parents, from, to)).some(Boolean);
  if (typeof root !== 'object' || root === null) return false;
  const node = root as Record<string, unknown>;
  const [next, ...rest] = parents;
  if (next !== undefined) return Object.hasOwn(node, next) ? renameAt(node[next], rest, from, to) : false;
  if (from === to || !Object.hasOwn(node, from) || Object.hasOwn(node, to)) return false;
  node[to] = node[from];
  delete node[from];
  return true;
}

/** The client's input schema with its top-level argument names shown as the spec names them. */
function specInputSchema(schema: Record<string, unknown>, compiled: CompiledTool): Record<string, unknown> {
  const topLevel = compiled.argumentRenames.filter((rename) => rename.parents.length === 0);
  if (topLevel.length === 0) return schema;
  const copy = structuredClone(schema);
  for (const rename of topLevel) {
    renameAt(copy, ['properties'], rename.clientKey, rename.specKey);
    if (Array.isArray(copy.required))
      copy.required = copy.required.map((name) => (name === rename.clientKey ? rename.specKey : name));
  }
  return copy;
}
