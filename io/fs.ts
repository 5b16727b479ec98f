/**
 * File writes that can't leave a half-written file or a readable secret behind.
 * - writeFileAtomic: write a temporary file next to the target, fsync, rename over it. A full disk or a
 *   crash leaves the previous file intact, never a truncated one.
 * - withPrivateDir: a fresh 0700 directory for files that hold secrets (a terraform plan carries every
 *   value in clear), removed with everything in it when the work is done, whether it succeeded or not.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";

export interface AtomicWriteOptions {
  /** File mode of the result. @default 0o644 (0o600 when `private`) */
  readonly mode?: number;
  /** Create the file readable by its owner only (0600). @default false */
  readonly private?: boolean;
}

/** Writes `data` to `file` atomically (temp file in the same directory + rename). */
export function writeFileAtomic(file: string, data: string | Buffer, o: AtomicWriteOptions = {}): void {
  const dir = path.dirname(file);
  const tmp = path.join(dir, `.${path.basename(file)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
  const mode = o.mode ?? (o.private ? 0o600 : 0o644);
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, "wx", mode);
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.chmodSync(tmp, mode); // the umask may have narrowed or (for private files) must not widen it
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Runs `fn` with a fresh private (0700) directory, then removes it and its contents, even on failure. */
export async function withPrivateDir<T>(prefix: string, fn: (dir: string) => Promise<T>, base: string = os.tmpdir()): Promise<T> {
  const dir = fs.mkdtempSync(path.join(base, `${prefix}-`));
  fs.chmodSync(dir, 0o700);
  try {
    return await fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates an empty file readable by its owner only (0600), for a tool that will write secrets into it. */
export function createPrivateFile(file: string): string {
  fs.closeSync(fs.openSync(file, "wx", 0o600));
  fs.chmodSync(file, 0o600);
  return file;
}
