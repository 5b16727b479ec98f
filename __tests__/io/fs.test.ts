/** io/fs: atomic replacement and private files, on the real file system. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createPrivateFile, withPrivateDir, writeFileAtomic } from "../../io/fs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ak-fs-"));
const mode = (f: string) => fs.statSync(f).mode & 0o777;

describe("writeFileAtomic", () => {
  it("replaces the file and leaves no temporary file", () => {
    const f = path.join(tmp, "cdk.tf.json");
    fs.writeFileSync(f, "old");
    writeFileAtomic(f, "new");
    expect(fs.readFileSync(f, "utf8")).toBe("new");
    expect(fs.readdirSync(tmp).filter((n) => n.includes(".tmp-"))).toEqual([]);
    expect(mode(f)).toBe(0o644);
  });

  it("a failed write leaves the previous file intact and no temporary file behind", () => {
    const f = path.join(tmp, "keep.json");
    fs.writeFileSync(f, "last good");
    // data that can't be written: writeFileSync throws on a non-string/buffer (the same path as ENOSPC)
    expect(() => writeFileAtomic(f, 42 as unknown as string)).toThrow();
    expect(fs.readFileSync(f, "utf8")).toBe("last good");
    expect(fs.readdirSync(tmp).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  it("a write into a missing directory throws and creates nothing", () => {
    expect(() => writeFileAtomic(path.join(tmp, "nope", "x.json"), "x")).toThrow(/ENOENT/);
  });

  it("private files are 0600 regardless of the umask", () => {
    const f = path.join(tmp, "secret.json");
    const old = process.umask(0);
    try {
      writeFileAtomic(f, "s", { private: true });
    } finally {
      process.umask(old);
    }
    expect(mode(f)).toBe(0o600);
  });
});

describe("withPrivateDir", () => {
  it("gives a 0700 directory and a 0600 file, and removes both after use, also on failure", async () => {
    let seen = "";
    await withPrivateDir("ak-test", async (dir) => {
      seen = dir;
      expect(mode(dir)).toBe(0o700);
      const f = createPrivateFile(path.join(dir, "plan.tfplan"));
      expect(mode(f)).toBe(0o600);
    }, tmp);
    expect(fs.existsSync(seen)).toBe(false);
    await expect(
      withPrivateDir("ak-test", async (dir) => {
        seen = dir;
        fs.writeFileSync(path.join(dir, "x"), "secret");
        throw new Error("boom");
      }, tmp),
    ).rejects.toThrow("boom");
    expect(fs.existsSync(seen)).toBe(false);
  });
});
