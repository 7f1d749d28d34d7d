import type { Metadata } from "next";
import Form from "next/form";
import { getTeamUsage, type ModelUsage, type TeamUsage, type UsageDay } from "@/client";
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

function DayInput({ name, label, value }: { name: string; label: string; value?: string }) {
  return (
    <div className="control">
      <label htmlFor={`usage-${name}`}>{label}</label>
      <input id={`usage-${name}`} type="date" name={name} defaultValue={value} />
    </div>
  );
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

type Column<Row> = { label: string; cell: (row: Row) => string };

/** The first column names the row (a model, a day); the others are its numbers. A
 * row's cells together are unique (the API's rows are one per day and model). */
function Table<Row>({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
}) {
  const [heading, ...rest] = columns;
  return (
    <table className="usage-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.label} scope="col">
              {column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={columns.map((column) => column.cell(row)).join(" ")}>
            {heading && <th scope="row">{heading.cell(row)}</th>}
            {rest.map((column) => (
              <td key={column.label}>{column.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const COUNTED: Column<ModelUsage | UsageDay>[] = [
  { label: "Audits", cell: (row) => formatCount(row.audits) },
  { label: "Prompt tokens", cell: (row) => formatCount(row.prompt_tokens) },
  { label: "Completion tokens", cell: (row) => formatCount(row.completion_tokens) },
  { label: "Estimated cost", cell: (row) => formatCost(row.estimated_cost_usd) },
];
const BY_MODEL: Column<ModelUsage>[] = [{ label: "Model", cell: (row) => row.model }, ...COUNTED];
const BY_DAY: Column<UsageDay>[] = [
  { label: "Day (UTC)", cell: (row) => row.date },
  { label: "Model", cell: (row) => row.model },
  ...COUNTED,
];

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
        <DayInput
          name="from"
          label="From"
          value={result.ok ? result.data.from_date : day(params.from)}
        />
        <DayInput name="to" label="To" value={result.ok ? result.data.to_date : day(params.to)} />
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
              <Table caption="By model" columns={BY_MODEL} rows={result.data.models} />
              <Table caption="By day" columns={BY_DAY} rows={result.data.days} />
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
