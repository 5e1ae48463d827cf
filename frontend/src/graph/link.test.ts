import { describe, expect, it } from "vitest";
import table from "../../../crates/wit/tests/link_cases.json";
import { canLink, type WitInterface } from "./link";

interface Case {
  name: string;
  import: WitInterface;
  exports: WitInterface[];
  expect: string;
}

describe("canLink runs the table shared with trellis-wit", () => {
  const cases = (table as { cases: Case[] }).cases;
  it("has cases", () => expect(cases.length).toBeGreaterThan(10));
  for (const c of cases) {
    it(c.name, () => {
      const verdict = canLink(c.import, c.exports);
      expect(verdict.ok ? "ok" : verdict.kind).toBe(c.expect);
      if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(0);
    });
  }
});
