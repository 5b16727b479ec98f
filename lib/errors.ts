/**
 * The two kinds of failure every command reports the same way (pure; no project imports):
 * - InputError: unusable input (a file, a field, a value): exit 2, nothing changed;
 * - EnvironmentError: the command could not run (a tool missing, a deadline passed, a backend down): exit 3.
 * Messages are one line: the file or field, the value seen, what is allowed, and the fix.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

export class EnvironmentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EnvironmentError";
  }
}
