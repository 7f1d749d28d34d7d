// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { UsageChart } from "./usage-chart";

describe("UsageChart", () => {
  it("draws one bar per day, the busiest day full height", () => {
    const { container } = render(
      <UsageChart
        days={[
          { date: "2026-11-01", tokens: 200, cost: 0.5, audits: 1 },
          { date: "2026-11-02", tokens: 0, cost: 0, audits: 0 },
          { date: "2026-11-03", tokens: 100, cost: null, audits: 1 },
        ]}
      />,
    );
    const bars = [...container.querySelectorAll("rect")];
    expect(bars.map((bar) => bar.getAttribute("height"))).toEqual(["160", "0", "80"]);
    expect(bars[2]?.textContent).toBe("2026-11-03: 100 tokens, no price");
    expect(screen.getByRole("img").getAttribute("aria-label")).toContain(
      "2026-11-01 to 2026-11-03",
    );
  });
});
