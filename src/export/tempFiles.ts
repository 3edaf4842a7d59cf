// Runs in Node: the temporary files this process is writing, so that Ctrl-C, SIGTERM or a closed pipe removes
// them, and the sweep of temporary files that a killed process (kill -9, a crash) left behind.
import * as fs from 'node:fs';
import * as path from 'node:path';

const live = new Set<string>();

export function trackTemporary(file: string): void {
  live.add(file);
}

export function untrackTemporary(file: string): void {
  live.delete(file);
}

/** Synchronous, for signal handlers: removes every temporary file still being written. */
export function removeTemporariesNow(): void {
  for (const file of live) fs.rmSync(file, { force: true });
  live.clear();
}

/** Our export temporaries: ".<target name>.<pid>.<ms>.tmp" beside the target. */
export function exportTemporaryName(target: string, pid = process.pid): string {
  return `.${path.basename(target)}.${pid}.${Date.now()}.tmp`;
}

const EXPORT_TEMPORARY = /^\.(.+)\.(\d+)\.(\d+)\.tmp$/;

export function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but someone else's
  }
}

/** Removes export temporaries of `target` whose writer is gone. Never touches a file of another name. */
export async function sweepStaleExportTemporaries(target: string): Promise<void> {
  const dir = path.dirname(target);
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const match = EXPORT_TEMPORARY.exec(name);
    if (!match || match[1] !== path.basename(target) || isProcessAlive(Number(match[2]))) continue;
    await fs.promises.rm(path.join(dir, name), { force: true });
  }
}
