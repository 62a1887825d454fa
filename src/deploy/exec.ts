/**
 * `cutover exec`, the container entrypoint for apps that change nothing:
 * get the schema ready (migrate, or wait for it), register the instance,
 * start the app as a child with the same stdio, keep heartbeating while it
 * lives, pass SIGTERM/SIGINT on to it, deregister when it exits, and hand
 * back how it ended. The process, the child and the database are ports, so
 * this reads as the sequence it is; the CLI wires them (src/cli/commands/exec.ts).
 */
import { CutoverError } from '../errors.js';

/** The signals passed on to the child. */
export const FORWARDED_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type ForwardedSignal = (typeof FORWARDED_SIGNALS)[number];

/** How the child ended: its exit code, or the signal that killed it. */
export interface ChildExit {
  code: number | null;
  signal: string | null;
}

/** A started child. */
export interface ChildHandle {
  pid: number;
  kill(signal: ForwardedSignal): void;
  exited: Promise<ChildExit>;
}

/** A registration that can be ended. */
export interface Registration {
  stop(): Promise<void>;
}

/** What {@link runExec} needs from outside. */
export interface ExecPorts {
  /** Migrate or wait for the schema (nothing when neither was asked). */
  prepare(): Promise<void>;
  register(): Promise<Registration>;
  /** Start the child; rejects with the spawn error (ENOENT …). */
  start(): Promise<ChildHandle>;
  /** Listen for the forwarded signals; returns the unsubscribe. */
  onSignal(listener: (signal: ForwardedSignal) => void): () => void;
  /** Give up deregistering after this long (the database may be gone). */
  deregisterTimeoutMs: number;
  warn(text: string): void;
}

/** The command that could not be started (exit 127 or 126, as a shell says). */
export function startError(command: string, error: NodeJS.ErrnoException): CutoverError {
  const missing = error.code === 'ENOENT';
  return new CutoverError(missing ? 'COMMAND_NOT_FOUND' : 'COMMAND_NOT_EXECUTABLE', `cannot start ${command}: ${missing ? 'no such file (looked up on PATH unless it has a slash)' : error.message}`, {
    hint: missing
      ? 'Check the path after `--` (in the image: is the binary where the entrypoint says, and built for this platform?).'
      : 'Make it executable (chmod +x) or run it through its interpreter (`-- sh script.sh`).',
    cause: error,
    details: { command, errno: error.code },
  });
}

/**
 * Run the sequence; resolves to how the child ended. A signal that arrives before
 * the child runs stops the sequence there (the instance deregistered).
 *
 * @example
 * const ended = await runExec(ports); // { code: 0, signal: null }
 */
export async function runExec(ports: ExecPorts): Promise<ChildExit> {
  await ports.prepare();
  const registration = await ports.register();
  let child: ChildHandle | undefined;
  let early: ForwardedSignal | undefined;
  const unsubscribe = ports.onSignal((signal) => {
    if (child) child.kill(signal);
    else early ??= signal;
  });
  try {
    if (early) return { code: null, signal: early };
    child = await ports.start();
    if (early) child.kill(early);
    return await child.exited;
  } finally {
    unsubscribe();
    await deregister(registration, ports);
  }
}

async function deregister(registration: Registration, ports: ExecPorts): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ports.deregisterTimeoutMs}ms`)), ports.deregisterTimeoutMs);
  });
  try {
    await Promise.race([registration.stop(), timeout]);
  } catch (error) {
    ports.warn(`cutover exec: could not deregister this instance (${(error as Error).message}); its row expires after its TTL`);
  } finally {
    clearTimeout(timer);
  }
}
