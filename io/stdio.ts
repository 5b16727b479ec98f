/**
 * The CLI's stdout and stderr, for a reader that may go away.
 *
 * `authentik-stack box status | head -1` closes the pipe after one line; the next write fails with EPIPE.
 * That is normal use, not a bug: the writer here marks the stream closed and drops what follows, the
 * command runs to its end and the process exits with the command's own code, with no message (a reader
 * that left can't be told anything, and stderr must not fill with noise). The command is never cut
 * short half-way: a `deploy | head -1` still finishes its terraform apply instead of killing it mid-run.
 *
 * Any other write error (stdout redirected to a full disk: ENOSPC, EIO) is a real failure: the stream is
 * marked closed too and `writeFailure()` names it, so the caller reports one line on stderr and exits 3.
 */

type StreamName = "stdout" | "stderr";

const closed: Record<StreamName, boolean> = { stdout: false, stderr: false };
let failure: { stream: StreamName; code: string } | undefined;
let installed = false;

/** Error codes that mean "the reader went away" (quiet), not "the output could not be written". */
const READER_GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

function stream(name: StreamName): NodeJS.WriteStream {
  return name === "stdout" ? process.stdout : process.stderr;
}

/** Installs the error listeners on process.stdout and process.stderr (once; idempotent). */
export function guardStdio(): void {
  if (installed) return;
  installed = true;
  for (const name of ["stdout", "stderr"] as const) {
    stream(name).on("error", (e: NodeJS.ErrnoException) => {
      closed[name] = true;
      const code = String(e?.code ?? e?.message ?? "unknown");
      if (!READER_GONE.has(code) && !failure) failure = { stream: name, code };
    });
  }
}

/** Writes `text` unless the stream's reader has gone away (then it is dropped, quietly). */
export function write(name: StreamName, text: string): void {
  if (closed[name]) return;
  const s = stream(name);
  if (s.destroyed || s.writableEnded) {
    closed[name] = true;
    return;
  }
  try {
    s.write(text);
  } catch (e) {
    // a synchronous failure (a stream that can't be written any more): same meaning as its 'error' event
    closed[name] = true;
    const code = String((e as NodeJS.ErrnoException)?.code ?? "unknown");
    if (!READER_GONE.has(code) && !failure) failure = { stream: name, code };
  }
}

/** Whether the stream's reader has gone away (or the stream failed): what is written to it is lost. */
export function isClosed(name: StreamName): boolean {
  return closed[name] || stream(name).destroyed;
}

/** A write error other than the reader going away (ENOSPC, EIO...), as one line; undefined when none. */
export function writeFailure(): string | undefined {
  return failure ? `could not write to ${failure.stream}: ${failure.code}` : undefined;
}
