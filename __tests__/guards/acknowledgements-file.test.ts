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
  it("no file is no acknowledgements", () => {
    expect(readAcknowledgements(fs.mkdtempSync(path.join(os.tmpdir(), "ak-acks-")))).toEqual([]);
  });
  it("reads the object form, and entries without match", () => {
    expect(read('{"acknowledgements": [{"id": "AK008", "reason": "inert values, known"}]}')).toEqual([{ id: "AK008", reason: "inert values, known" }]);
  });
  it("names what the top level is", () => {
    expect(() => read("null")).toThrow("guard-acknowledgements.json: the top level is null;");
    expect(() => read('"x"')).toThrow("guard-acknowledgements.json: the top level is string;");
    expect(() => read('{"acks": []}')).toThrow("guard-acknowledgements.json: the top level is object;");
  });
  it("names the entry and how deep the file is", () => {
    expect(() => read('[{"id": "AK008", "reason": "a reason here"}, [1]]')).toThrow(/^guard-acknowledgements\.json\[1\]: \[1\] is not/);
    expect(() => read('[{"id": "AK008", "reason": "a reason here"}, null]')).toThrow(/^guard-acknowledgements\.json\[1\]: null is not/);
    expect(() => read('[{"id": "AK008", "reason": 5}]')).toThrow(/^guard-acknowledgements\.json\[0\]:/);
    expect(() => read("[".repeat(201) + "]".repeat(201))).toThrow("JSON nested 201 levels deep");
    expect(read("[]")).toEqual([]);
  });
  it("a file exactly as deep as allowed gets past the depth check (its entries are then judged)", () => {
    expect(() => read("[".repeat(200) + "]".repeat(200))).toThrow(/\[0\]: /);
  });
  it("names the parse error", () => {
    expect(() => read("[{id: AK010}]")).toThrow(/^guard-acknowledgements\.json: not JSON \(/);
  });
  it("reads the documented shape", () => {
    expect(read('[{"id": "AK010", "match": "pgbouncer_config", "reason": "a later change"}]')).toEqual([{ id: "AK010", match: "pgbouncer_config", reason: "a later change" }]);
  });
  it.each([
    ["not JSON", "[{id: AK010}]"],
    ["empty", ""],
    ["a number", "42"],
    ["a string entry", '["AK010"]'],
    ["a null entry", "[null]"],
    ["a list entry", '[["AK010", "a reason here"]]'],
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
  it("shows a long entry cut to 120 characters", () => {
    const entry = { id: 5, reason: "r".repeat(300) };
    let message = "";
    try {
      read(JSON.stringify([entry]));
    } catch (x) {
      message = (x as Error).message;
    }
    // {"id":5,"reason":" is 18 characters, so 102 of the reason's
    expect(message).toContain(`{"id":5,"reason":"${"r".repeat(102)} is not`);
    expect(message).not.toContain("r".repeat(103));
  });
});
