import type { UsageDay } from "@/client";

export type DayTotal = { date: string; tokens: number; cost: number | null; audits: number };

const DAY_MS = 86_400_000;

/** Every day of the range, oldest first: a day without usage is a zero, so the
 * chart's bars keep the calendar's spacing. A day's cost is null when one of its
 * models has no price. */
export function dailyTotals(days: UsageDay[], from: string, to: string): DayTotal[] {
  const byDate = new Map<string, DayTotal>();
  for (let time = Date.parse(from); time <= Date.parse(to); time += DAY_MS) {
    const date = new Date(time).toISOString().slice(0, 10);
    byDate.set(date, { date, tokens: 0, cost: 0, audits: 0 });
  }
  for (const day of days) {
    const total = byDate.get(day.date);
    if (!total) continue;
    total.tokens += day.total_tokens;
    total.audits += day.audits;
    total.cost =
      total.cost === null || day.estimated_cost_usd === null
        ? null
        : total.cost + day.estimated_cost_usd;
  }
  return [...byDate.values()];
}

const dollars = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
// A few reviews cost fractions of a cent: those show their first significant digits.
const cents = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  maximumSignificantDigits: 2,
});
const counts = new Intl.NumberFormat("en-US");

export function formatCost(cost: number | null): string {
  if (cost === null) return "no price";
  return cost > 0 && cost < 0.01 ? cents.format(cost) : dollars.format(cost);
}

export function formatCount(value: number): string {
  return counts.format(value);
}
