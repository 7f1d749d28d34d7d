// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { FormState } from "@/lib/form-state";
import { ActionForm } from "./action-form";

function submitWith(answer: FormState) {
  const action = vi.fn(async (_previous: FormState, _form: FormData) => answer);
  render(
    <ActionForm
      id="invite"
      action={action}
      hidden={{ team: "acme" }}
      fields={[
        { name: "email", label: "Email", type: "email" },
        { name: "role", label: "Role", options: { member: "Member", admin: "Admin" } },
      ]}
      submit="Send invitation"
    />,
  );
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: "ada@example.com" } });
  fireEvent.change(screen.getByLabelText("Role"), { target: { value: "admin" } });
  fireEvent.click(screen.getByRole("button", { name: "Send invitation" }));
  return action;
}

describe("ActionForm", () => {
  it("posts its fields and hidden values, then shows the secret once", async () => {
    const action = submitWith({
      done: "Invited.",
      secret: { label: "Invitation link", value: "http://web/invite?token=li_x" },
    });
    await waitFor(() => expect(screen.getByText("http://web/invite?token=li_x")).toBeTruthy());
    const form = action.mock.calls[0][1];
    expect(Object.fromEntries(form.entries())).toEqual({
      team: "acme",
      email: "ada@example.com",
      role: "admin",
    });
    expect(screen.getByText("Invited.")).toBeTruthy();
  });

  it("puts field messages under their field and the rest in one alert", async () => {
    submitWith({ error: "Not allowed", fields: { email: ["Not an email"], token: ["Bad"] } });
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Not allowedBad");
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(screen.getByText("Not an email")).toBeTruthy();
  });
});
