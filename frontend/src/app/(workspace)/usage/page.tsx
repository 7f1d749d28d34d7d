import type { Metadata } from "next";
import Form from "next/form";
import { getTeamUsage, type TeamUsage } from "@/client";
import { ProblemView } from "@/components/problem-view";
import { UsageChart } from "@/components/usage-chart";
import { firstParam } from "@/lib/format";
import { authed, read, requireSession } from "@/lib/server-api";
import { dailyTotals, formatCost, formatCount } from "@/lib/usage";

export const metadata: Metadata = { title: "Usage · Looped Needle" };

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Only a well-formed day is sent; the API checks the range and says what is wrong. */
function day(value: string | string[] | undefined): string | undefined {
  const first = firstParam(value);
  return first && DAY.test(first) ? first : undefined;
}

function Totals({ usage }: { usage: TeamUsage }) {
  const { totals } = usage;
  return (
    <dl className="usage-totals" aria-label="Totals">
      <div>
        <dt>Estimated cost</dt>
        <dd>{formatCost(totals.estimated_cost_usd)}</dd>
      </div>
      <div>
        <dt>Tokens</dt>
        <dd>{formatCount(totals.total_tokens)}</dd>
      </div>
      <div>
        <dt>Prompt / completion</dt>
        <dd>
          {formatCount(totals.prompt_tokens)} / {formatCount(totals.completion_tokens)}
        </dd>
      </div>
      <div>
        <dt>Audits</dt>
        <dd>{formatCount(totals.audits)}</dd>
      </div>
    </dl>
  );
}

function ByModel({ usage }: { usage: TeamUsage }) {
  return (
    <table className="usage-table">
      <caption>By model</caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Audits</th>
          <th scope="col">Prompt tokens</th>
          <th scope="col">Completion tokens</th>
          <th scope="col">Estimated cost</th>
        </tr>
      </thead>
      <tbody>
        {usage.models.map((model) => (
          <tr key={model.model}>
            <th scope="row">{model.model}</th>
            <td>{formatCount(model.audits)}</td>
            <td>{formatCount(model.prompt_tokens)}</td>
            <td>{formatCount(model.completion_tokens)}</td>
            <td>{formatCost(model.estimated_cost_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ByDay({ usage }: { usage: TeamUsage }) {
  return (
    <table className="usage-table">
      <caption>By day</caption>
      <thead>
        <tr>
          <th scope="col">Day (UTC)</th>
          <th scope="col">Model</th>
          <th scope="col">Audits</th>
          <th scope="col">Tokens</th>
          <th scope="col">Estimated cost</th>
        </tr>
      </thead>
      <tbody>
        {usage.days.map((row) => (
          <tr key={`${row.date}-${row.model}`}>
            <th scope="row">{row.date}</th>
            <td>{row.model}</td>
            <td>{formatCount(row.audits)}</td>
            <td>{formatCount(row.total_tokens)}</td>
            <td>{formatCost(row.estimated_cost_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function UsagePage({ searchParams }: PageProps<"/usage">) {
  const session = await requireSession();
  const params = await searchParams;
  const result = await read(() =>
    getTeamUsage({
      ...authed(session),
      path: { team: session.team },
      query: { from: day(params.from), to: day(params.to) },
    }),
  );

  return (
    <div className="stack-lg">
      <h1>Usage</h1>
      <Form action="/usage" className="filters" aria-label="Choose days">
        <div className="control">
          <label htmlFor="usage-from">From</label>
          <input
            id="usage-from"
            type="date"
            name="from"
            defaultValue={result.ok ? result.data.from_date : day(params.from)}
          />
        </div>
        <div className="control">
          <label htmlFor="usage-to">To</label>
          <input
            id="usage-to"
            type="date"
            name="to"
            defaultValue={result.ok ? result.data.to_date : day(params.to)}
          />
        </div>
        <button type="submit" className="button">
          Show
        </button>
      </Form>
      {!result.ok ? (
        <ProblemView problem={result.problem} />
      ) : (
        <>
          <Totals usage={result.data} />
          <UsageChart
            days={dailyTotals(result.data.days, result.data.from_date, result.data.to_date)}
          />
          {result.data.days.length === 0 ? (
            <p className="empty">No completed audits in these days.</p>
          ) : (
            <>
              <ByModel usage={result.data} />
              <ByDay usage={result.data} />
            </>
          )}
          {result.data.unpriced_models.length > 0 && (
            <p className="muted small">
              No price is configured for {result.data.unpriced_models.join(", ")}: its tokens are
              counted, not costed (set MODEL_PRICES on the API).
            </p>
          )}
          <p className="muted small">
            Estimated from the tokens of completed audits at the API's configured prices.
          </p>
        </>
      )}
    </div>
  );
}
