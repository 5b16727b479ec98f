/** The acknowledgements file: every malformed shape is one AcknowledgementError line naming the file and the fix (check exits 2). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ACKS_FILE, AcknowledgementError, readAcknowledgements } from "../../guards/acknowledgements";

function read(text: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "ak-acks-"));
  fs.writeFileSync(path.join(root, ACKS_FILE), text);
  return readAcknowledgements(root);
}

describe("readAcknowledgements", () => {
  it("reads the documented shape", () => {
    expect(read('[{"id": "AK010", "match": "pgbouncer_config", "reason": "a later change"}]')).toEqual([{ id: "AK010", match: "pgbouncer_config", reason: "a later change" }]);
  });
  it.each([
    ["not JSON", "[{id: AK010}]"],
    ["empty", ""],
    ["a number", "42"],
    ["a string entry", '["AK010"]'],
    ["a numeric id", '[{"id": 10, "reason": "a reason here"}]'],
    ["no reason", '[{"id": "AK010"}]'],
    ["a list as match", '[{"id": "AK010", "reason": "a reason here", "match": ["a"]}]'],
    ["a very deep entry", "[" + "[".repeat(100000) + "]".repeat(100000) + "]"],
  ])("%s: one line, naming the file", (_name, text) => {
    let e: unknown;
    try {
      read(text);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(AcknowledgementError);
    expect((e as Error).message).toMatch(/^guard-acknowledgements\.json(\[\d+\])?: .*Fix: /);
    expect((e as Error).message).not.toContain("\n");
  });
});
