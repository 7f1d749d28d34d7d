import { describe, expect, it } from "vitest";
import type { UsageDay } from "@/client";
import { dailyTotals, formatCost, formatCount } from "./usage";

function day(date: string, model: string, tokens: number, cost: number | null): UsageDay {
  return {
    date,
    model,
    audits: 1,
    prompt_tokens: tokens,
    completion_tokens: 0,
    total_tokens: tokens,
    estimated_cost_usd: cost,
  };
}

describe("dailyTotals", () => {
  it("has every day of the range and sums the models of each", () => {
    const totals = dailyTotals(
      [
        day("2026-11-01", "a", 100, 0.5),
        day("2026-11-01", "b", 50, 0.25),
        day("2026-11-03", "a", 7, 0),
      ],
      "2026-11-01",
      "2026-11-03",
    );
    expect(totals).toEqual([
      { date: "2026-11-01", tokens: 150, cost: 0.75, audits: 2 },
      { date: "2026-11-02", tokens: 0, cost: 0, audits: 0 },
      { date: "2026-11-03", tokens: 7, cost: 0, audits: 1 },
    ]);
  });

  it("has no cost for a day with an unpriced model", () => {
    const [only] = dailyTotals(
      [day("2026-11-01", "a", 1, 1), day("2026-11-01", "local", 1, null)],
      "2026-11-01",
      "2026-11-01",
    );
    expect(only?.cost).toBeNull();
  });
});

describe("formats", () => {
  it("shows dollars to the cent or finer, and says when there is no price", () => {
    expect(formatCost(1.5)).toBe("$1.50");
    expect(formatCost(0.00123)).toBe("$0.0012");
    expect(formatCost(0)).toBe("$0.00");
    expect(formatCost(12.345)).toBe("$12.35");
    expect(formatCost(null)).toBe("no price");
    expect(formatCount(19200)).toBe("19,200");
  });
});
