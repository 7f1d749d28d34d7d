import { type DayTotal, formatCost, formatCount } from "@/lib/usage";

const HEIGHT = 160;
const BAR = 14;
const GAP = 4;

/** Tokens per day as bars; each bar's title gives the day's numbers, and the table
 * beside the chart has them all for screen readers. */
export function UsageChart({ days }: { days: DayTotal[] }) {
  const highest = Math.max(1, ...days.map((day) => day.tokens));
  const width = days.length * (BAR + GAP);
  return (
    <figure className="usage-chart">
      <svg
        role="img"
        aria-label={`Tokens per day, ${days[0]?.date} to ${days.at(-1)?.date}; the most in one day: ${formatCount(highest)}`}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
      >
        {days.map((day, index) => {
          const height = day.tokens === 0 ? 0 : Math.max(2, (day.tokens / highest) * HEIGHT);
          return (
            <rect
              key={day.date}
              data-date={day.date}
              x={index * (BAR + GAP)}
              y={HEIGHT - height}
              width={BAR}
              height={height}
            >
              <title>{`${day.date}: ${formatCount(day.tokens)} tokens, ${formatCost(day.cost)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="muted small">
        Tokens per day (UTC), {days[0]?.date} to {days.at(-1)?.date}
      </figcaption>
    </figure>
  );
}
