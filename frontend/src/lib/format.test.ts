import { describe, expect, it } from "vitest";
import type { Finding } from "@/client";
import { formatTime, groupBySeverity, hrefWith, humanize, pageNumber, parseTags } from "./format";

describe("parseTags", () => {
  it("splits on commas, trims, lowercases and drops empty and repeated tags", () => {
    expect(parseTags(" Release, ops ,, OPS,")).toEqual(["release", "ops"]);
    expect(parseTags("")).toEqual([]);
  });
});

describe("formatTime", () => {
  it("renders UTC so server and browser agree", () => {
    expect(formatTime("2026-11-22T03:08:00Z")).toBe("22 Nov 2026, 03:08 UTC");
  });
});

describe("groupBySeverity", () => {
  const finding = (severity: Finding["severity"], evidence: string): Finding => ({
    category: "other",
    severity,
    evidence,
    explanation: "because",
  });

  it("puts the most severe first and leaves out empty groups", () => {
    const groups = groupBySeverity([
      finding("low", "a"),
      finding("critical", "b"),
      finding("low", "c"),
    ]);
    expect(groups.map(([severity, items]) => [severity, items.length])).toEqual([
      ["critical", 1],
      ["low", 2],
    ]);
  });
});

describe("pageNumber", () => {
  it("accepts positive integers only", () => {
    expect(pageNumber("3")).toBe(3);
    expect(pageNumber(["2", "5"])).toBe(2);
    for (const bad of [undefined, "0", "-1", "1.5", "abc"]) {
      expect(pageNumber(bad)).toBe(1);
    }
  });
});

describe("hrefWith", () => {
  it("keeps only the query values that are set", () => {
    expect(hrefWith("/audits", { status: "completed", review: undefined, page: 2 })).toBe(
      "/audits?status=completed&page=2",
    );
    expect(hrefWith("/posts", { tag: "" })).toBe("/posts");
  });
});

describe("humanize", () => {
  it("turns API values into words", () => {
    expect(humanize("personal_data")).toBe("Personal data");
  });
});
