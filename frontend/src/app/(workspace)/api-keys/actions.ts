"use server";

import { createApiKey, revokeApiKey } from "@/client";
import { type FormState, formText, refusedForm } from "@/lib/form-state";
import { authed, requireSession, submit, write } from "@/lib/server-api";

const PAGE = "/api-keys";

export async function createKey(_previous: FormState, form: FormData): Promise<FormState> {
  const session = await requireSession();
  const name = formText(form, "name");
  const result = await write(PAGE, () =>
    createApiKey({ ...authed(session), path: { team: session.team }, body: { name } }),
  );
  if (!result.ok) {
    return refusedForm(result.problem);
  }
  return {
    done: `Created the key “${name}”.`,
    secret: { label: "The new API key", value: result.data.key },
  };
}

export async function revokeKey(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Revoked.", (session) =>
    revokeApiKey({
      ...authed(session),
      path: { team: session.team, key_id: formText(form, "key_id") },
    }),
  );
}
