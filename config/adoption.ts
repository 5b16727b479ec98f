/**
 * The adoption file: which live authentik objects the stack takes over, as Terraform address -> the
 * object's import id (its UUID; a flow's slug, which is what the goauthentik provider imports flows by).
 * `npx authentik-stack adopt` writes it from the authentik API; the stack turns each entry into an
 * `import` block. After the imports are applied, the entries can be removed: the objects are in the
 * state and the stack still plans to zero.
 */

/** Committed path of the adoption file, relative to the repository root. */
export const ADOPTION_FILE = "adoption/identity.json";

export interface AdoptionFile {
  /** Terraform address -> import id. */
  readonly imports: Readonly<Record<string, string>>;
}

export class AdoptionError extends Error {}

const ADDRESS = /^authentik_[a-z0-9_]+\.[a-z][a-z0-9_]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SLUG = /^[-a-zA-Z0-9_]+$/;

/** Whether an id has the form the goauthentik provider imports this resource type by. */
export function importIdProblem(address: string, id: unknown): string | undefined {
  const flow = address.startsWith("authentik_flow.");
  if (typeof id !== "string") return `${JSON.stringify(id)} is not a string`;
  if (flow ? !SLUG.test(id) : !UUID.test(id)) return `'${id}' is not ${flow ? "a flow slug (the provider imports flows by slug)" : "an object UUID (lower-case, dashed)"}`;
  return undefined;
}

/** Parses and checks an adoption file's text; one line per problem, naming the file and the entry. */
export function parseAdoption(text: string, file: string): AdoptionFile {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new AdoptionError(`${file}: not valid JSON (${(e as Error).message.split("\n")[0]}); allowed: {"imports": {"<address>": "<id>"}}. Fix: rerun \`npx authentik-stack adopt\`.`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc) || !doc.imports || typeof doc.imports !== "object" || Array.isArray(doc.imports)) {
    throw new AdoptionError(`${file}: expected an object with "imports" (address -> id); got ${JSON.stringify(doc)?.slice(0, 80)}. Fix: rerun \`npx authentik-stack adopt\`, or write {"imports": {}}.`);
  }
  const unknownKeys = Object.keys(doc).filter((k) => k !== "imports" && k !== "$comment");
  if (unknownKeys.length) throw new AdoptionError(`${file}: unknown key(s) ${unknownKeys.join(", ")}; allowed: imports, $comment. Fix: remove them.`);
  const problems: string[] = [];
  const ids = new Map<string, string>();
  for (const [address, id] of Object.entries(doc.imports)) {
    if (!ADDRESS.test(address)) problems.push(`${file}: imports["${address}"]: not a goauthentik resource address; allowed: authentik_<type>.<name>. Fix: rerun \`npx authentik-stack adopt\`.`);
    const p = importIdProblem(address, id);
    if (p) problems.push(`${file}: imports["${address}"]: ${p}. Fix: rerun \`npx authentik-stack adopt\`.`);
    const type = address.split(".")[0];
    const other = ids.get(`${type}:${id}`);
    if (other) problems.push(`${file}: imports["${address}"]: id '${id}' is also imported into ${other}; one object can back one address only. Fix: rerun \`npx authentik-stack adopt\`.`);
    ids.set(`${type}:${id}`, address);
  }
  if (problems.length) throw new AdoptionError(problems.join("\n"));
  return { imports: doc.imports };
}

/** The file's text for a set of imports (sorted, stable, with a comment saying what it is). */
export function formatAdoption(imports: Readonly<Record<string, string>>): string {
  const sorted = Object.fromEntries(Object.entries(imports).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify({ $comment: "Written by `npx authentik-stack adopt`: live authentik objects the stack imports (address -> id). Empty it once the imports are applied.", imports: sorted }, null, 2)}\n`;
}
