import { describe, expect, it } from "vitest";
import type { Problem } from "@/lib/problem";
import { formText, refusedForm } from "./form-state";

describe("refusedForm", () => {
  it("puts the API's validation messages under the fields they name", () => {
    const problem: Problem = {
      kind: "api",
      status: 422,
      code: "VALIDATION_ERROR",
      error: "Invalid request",
      fields: { password: ["String should have at least 10 characters"] },
    };
    expect(refusedForm(problem)).toEqual({
      fields: { password: ["String should have at least 10 characters"] },
    });
  });

  it("says in words what no field can show", () => {
    expect(refusedForm({ kind: "unreachable", error: "no answer" }).error).toContain(
      "did not answer",
    );
    expect(refusedForm({ kind: "unreachable", error: "no answer" }, "Try later.")).toEqual({
      error: "Try later.",
    });
  });
});

describe("formText", () => {
  it("trims a field and reads a missing one as empty", () => {
    const form = new FormData();
    form.set("email", "  ada@example.com ");
    expect(formText(form, "email")).toBe("ada@example.com");
    expect(formText(form, "missing")).toBe("");
  });
});
