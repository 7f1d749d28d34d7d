// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { toProblem } from "@/lib/problem";
import type { SystemStatus } from "@/lib/status";
import { StatusView } from "./status-view";

const checkedAt = new Date("2025-01-01T12:00:00Z");

function field(region: HTMLElement, label: string): string | null {
  const term = within(region).getByText(label, { selector: "dt" });
  return term.nextElementSibling?.textContent ?? null;
}

describe("StatusView", () => {
  it("shows the API build and the database details when all is well", () => {
    const status: SystemStatus = {
      api: { ok: true, data: { status: "ok", buildSha: "abc123" } },
      database: {
        ok: true,
        data: { status: "ok", database: "ok", latency_ms: 2.25, revision: "20250101_0000" },
      },
    };

    render(<StatusView status={status} checkedAt={checkedAt} />);

    expect(screen.getByRole("heading", { level: 1, name: "Looped Needle" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toBe("All systems operational");
    const api = screen.getByRole("region", { name: "API" });
    expect(field(api, "Status")).toBe("ok");
    expect(field(api, "Build")).toBe("abc123");
    const database = screen.getByRole("region", { name: "Database" });
    expect(field(database, "Status")).toBe("ok");
    expect(field(database, "Latency")).toBe("2.3 ms");
    expect(field(database, "Migration revision")).toBe("20250101_0000");
  });

  it("shows the error envelope of a failing check instead of its data", () => {
    const status: SystemStatus = {
      api: { ok: false, problem: { kind: "unreachable", error: "The API could not be reached" } },
      database: {
        ok: false,
        problem: toProblem(
          { error: "Database unavailable", code: "DB_UNAVAILABLE", details: {} },
          new Response(null, { status: 503 }),
        ),
      },
    };

    render(<StatusView status={status} checkedAt={checkedAt} />);

    expect(screen.getByRole("status").textContent).toBe("Some checks are failing");
    const api = screen.getByRole("region", { name: "API" });
    expect(field(api, "Status")).toBe("unreachable");
    expect(field(api, "Error")).toBe("The API could not be reached");
    expect(within(api).queryByText("Code")).toBeNull();
    const database = screen.getByRole("region", { name: "Database" });
    expect(field(database, "Status")).toBe("error");
    expect(field(database, "Error")).toBe("Database unavailable");
    expect(field(database, "Code")).toBe("DB_UNAVAILABLE");
    expect(within(database).queryByText("Latency")).toBeNull();
  });

  it("names the HTTP status of an answer that carried no envelope", () => {
    const status: SystemStatus = {
      api: { ok: false, problem: { kind: "http", status: 502, error: "The API answered 502" } },
      database: {
        ok: false,
        problem: { kind: "http", status: 502, error: "The API answered 502" },
      },
    };

    render(<StatusView status={status} checkedAt={checkedAt} />);

    const api = screen.getByRole("region", { name: "API" });
    expect(field(api, "Status")).toBe("error");
    expect(field(api, "HTTP status")).toBe("502");
    expect(within(api).queryByText("Code")).toBeNull();
  });
});
