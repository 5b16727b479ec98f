/**
 * The objects the loopback authentik API holds: in memory, optionally persisted to a JSON file (written
 * atomically, mode 0600, after every change), with a change feed (sequence-numbered, kept for the last
 * CHANGE_LOG_SIZE changes) for whoever reacts to changes, e.g. the rehearsal box's outpost controller.
 */
import * as fs from "fs";
import * as path from "path";

export type Rec = Record<string, unknown> & { pk: string | number };

export interface Change {
  seq: number;
  at: string;
  kind: "created" | "updated" | "deleted";
  /** collection path below /api/v3, e.g. "/outposts/instances/" */
  collection: string;
  pk: string | number;
  /** the object as GET returns it (absent for deletions) */
  object?: Record<string, unknown>;
}

interface StateFile {
  version: 1;
  counters: Record<string, number>;
  objects: Record<string, Rec[]>;
}

export const CHANGE_LOG_SIZE = 1000;

export class Store {
  private readonly objects = new Map<string, Map<string, Rec>>();
  private counters: Record<string, number> = {};
  readonly changes: Change[] = [];
  seq = 0;

  constructor(private readonly file?: string) {
    if (file && fs.existsSync(file)) {
      let state: StateFile;
      try {
        state = JSON.parse(fs.readFileSync(file, "utf8"));
      } catch (e) {
        throw new Error(`state file ${file}: not JSON (${(e as Error).message}); allowed: a file this server wrote, or none. Fix: remove it or point --state elsewhere`);
      }
      if (state.version !== 1 || typeof state.objects !== "object") throw new Error(`state file ${file}: version ${String(state.version)} is not 1; allowed: a file this server wrote. Fix: remove it`);
      this.counters = state.counters ?? {};
      for (const [col, recs] of Object.entries(state.objects)) for (const r of recs) this.collection(col).set(String(r.pk), r);
    }
  }

  private collection(col: string): Map<string, Rec> {
    let m = this.objects.get(col);
    if (!m) this.objects.set(col, (m = new Map()));
    return m;
  }

  nextInt(family: string): number {
    this.counters[family] = (this.counters[family] ?? 0) + 1;
    return this.counters[family];
  }

  /** Raises the family counter so seeded integer pks are never handed out again. */
  sawInt(family: string, n: number): void {
    if (n > (this.counters[family] ?? 0)) this.counters[family] = n;
  }

  get(col: string, pk: string | number): Rec | undefined {
    return this.objects.get(col)?.get(String(pk));
  }

  all(col: string): Rec[] {
    return [...(this.objects.get(col)?.values() ?? [])];
  }

  collections(): string[] {
    return [...this.objects.keys()];
  }

  put(col: string, rec: Rec): void {
    this.collection(col).set(String(rec.pk), rec);
    this.save();
  }

  remove(col: string, pk: string | number): boolean {
    const ok = this.objects.get(col)?.delete(String(pk)) ?? false;
    if (ok) this.save();
    return ok;
  }

  record(change: Omit<Change, "seq" | "at">): Change {
    const c: Change = { seq: ++this.seq, at: new Date().toISOString(), ...change };
    this.changes.push(c);
    if (this.changes.length > CHANGE_LOG_SIZE) this.changes.shift();
    return c;
  }

  since(seq: number, collection?: string): Change[] {
    return this.changes.filter((c) => c.seq > seq && (!collection || c.collection === collection));
  }

  snapshot(): StateFile {
    const objects: Record<string, Rec[]> = {};
    for (const [col, m] of this.objects) objects[col] = [...m.values()];
    return { version: 1, counters: this.counters, objects };
  }

  private save(): void {
    if (!this.file) return;
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, JSON.stringify(this.snapshot(), null, 1), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
