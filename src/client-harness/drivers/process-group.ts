import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { sleep } from './deadline.ts';
import type { ExitInfo } from '../../model/index.ts';

/**
 * Client processes run in their own process group (a new session, through `detached`), so stopping
 * one stops everything it started: `npx` wrappers, shells, helper daemons. Groups still alive when
 * the harness exits or is interrupted are killed then, since a detached group would otherwise
 * outlive it (it no longer receives the terminal's Ctrl-C).
 */

export interface ProcessGroup {
  readonly child: ChildProcessWithoutNullStreams;
  /** The leader's pid, which is also the group id. */
  readonly pid: number;
  /** Resolves when the leader exits (the rest of the group may live on). */
  readonly exited: Promise<ExitInfo>;
  /** Set once the leader has exited. */
  readonly exit: ExitInfo | undefined;
}

export interface SpawnGroupOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Starts `argv` as the leader of a new process group; rejects when it cannot be started (e.g. ENOENT). */
export function spawnGroup(argv: readonly string[], options: SpawnGroupOptions): Promise<ProcessGroup> {
  const [command, ...args] = argv;
  if (command === undefined) return Promise.reject(new Error('empty command'));
  return new Promise((resolve, reject) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(command, args, {
        env: options.env,
        cwd: options.cwd,
        detached: true,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    // A client that dies early makes writes fail with EPIPE; those must not become uncaught errors.
    child.stdin.on('error', () => undefined);
    child.stdout.on('error', () => undefined);
    child.stderr.on('error', () => undefined);
    let exit: ExitInfo | undefined;
    const exited = new Promise<ExitInfo>((resolveExit) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        resolveExit(exit);
      });
    });
    child.once('error', (error) => reject(new Error(`cannot start ${JSON.stringify(command)}: ${error.message}`)));
    child.on('error', () => undefined);
    child.once('spawn', () => {
      const pid = child.pid!;
      register(pid);
      resolve({
        child,
        pid,
        exited,
        get exit() {
          return exit;
        },
      });
    });
  });
}

export interface TerminateOptions {
  /** Time between SIGTERM and SIGKILL. */
  graceMs: number;
  /** Time the leader gets to exit on its own once its stdin is closed, before SIGTERM (MCP's stdio shutdown). */
  stdinGraceMs?: number;
}

/** Stops the whole group: closes stdin, then SIGTERM, then SIGKILL after the grace. Never rejects. */
export async function terminateGroup(group: ProcessGroup, options: TerminateOptions): Promise<void> {
  try {
    group.child.stdin.end();
  } catch {
    // already closed
  }
  if (group.exit === undefined && options.stdinGraceMs) await Promise.race([group.exited, sleep(options.stdinGraceMs)]);
  if (groupAlive(group.pid)) {
    signalGroup(group.pid, 'SIGTERM');
    if (!(await waitUntilGone(group.pid, options.graceMs))) {
      signalGroup(group.pid, 'SIGKILL');
      await waitUntilGone(group.pid, 2000);
    }
  }
  // The leader is reaped by Node once its exit is observed; wait for that so callers see it gone.
  if (group.exit === undefined) await Promise.race([group.exited, sleep(500)]);
  group.child.stdout.destroy();
  group.child.stderr.destroy();
  live.delete(group.pid);
}

/** Whether any process of the group is still running (zombies awaiting their reaper do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return process.platform === 'linux'
    ? linuxProcesses().some((proc) => proc.pgrp === pgid && proc.state !== 'Z' && proc.state !== 'X')
    : true;
}

/** Whether `pid` is a running process (a zombie is not). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  const state = linuxStat(String(pid))?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function waitUntilGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  for (;;) {
    if (!groupAlive(pgid)) return true;
    if (performance.now() >= deadline) return false;
    await sleep(20);
  }
}

interface ProcStat {
  state: string;
  pgrp: number;
}

function linuxProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  return names.filter((name) => /^\d+$/.test(name)).flatMap((name) => linuxStat(name) ?? []);
}

function linuxStat(pid: string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …"; comm may itself contain spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

const live = new Set<number>();
let hooked = false;

function register(pgid: number): void {
  live.add(pgid);
  if (hooked) return;
  hooked = true;
  process.once('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllNow();
      // Alone on this signal, the listener has replaced Node's default (exit): restore and re-raise it.
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

function killAllNow(): void {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
  live.clear();
}
