// @vitest-environment jsdom
import { act, renderHook } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { router } from "@/test/navigation";
import { answered, refused } from "@/test/sdk";
import { useMutation } from "./use-api";

vi.mock("next/navigation", () => import("@/test/navigation"));

type Answer = { data: { id: string }; response: Response };

describe("useMutation", () => {
  it("is pending while the write is in flight, and not before or after", async () => {
    const { result } = renderHook(() => useMutation());
    let answer: (value: Answer) => void = () => {};
    const call = () => new Promise<Answer>((resolve) => (answer = resolve));

    expect(result.current.pending).toBe(false);
    let running: Promise<unknown> = Promise.resolve();
    act(() => {
      running = result.current.run(call);
    });
    expect(result.current.pending).toBe(true);
    await act(async () => {
      answer(answered({ id: "p1" }));
      await running;
    });
    expect(result.current.pending).toBe(false);
  });

  it("runs onSuccess with the data, then re-renders the page from the server", async () => {
    const { result } = renderHook(() => useMutation());
    const order: string[] = [];
    router.refresh.mockImplementation(() => order.push("refresh"));

    await act(async () => {
      const outcome = await result.current.run(
        async (): Promise<Answer> => answered({ id: "p1" }, 201),
        (data) => order.push(`success ${data.id}`),
      );
      expect(outcome).toEqual({ ok: true, data: { id: "p1" } });
    });

    expect(order).toEqual(["success p1", "refresh"]);
    expect(result.current.problem).toBeNull();
  });

  it("keeps the problem of a failed write, refreshes nothing, and clears it on success", async () => {
    const { result } = renderHook(() => useMutation());
    const onSuccess = vi.fn();

    await act(async () => {
      await result.current.run(async () => refused(404, "NOT_FOUND"), onSuccess);
    });
    expect(result.current.problem).toMatchObject({ kind: "api", status: 404, code: "NOT_FOUND" });
    expect(onSuccess).not.toHaveBeenCalled();
    expect(router.refresh).not.toHaveBeenCalled();

    await act(async () => {
      await result.current.run(async () => answered({}));
    });
    expect(result.current.problem).toBeNull();
  });

  it("sends a user whose key was refused back to sign in with a reason", async () => {
    const { result } = renderHook(() => useMutation());

    await act(async () => {
      await result.current.run(async () => refused(401, "UNAUTHORIZED"));
    });

    expect(router.push).toHaveBeenCalledWith("/sign-in?reason=expired");
    expect(router.refresh).not.toHaveBeenCalled();
  });

  it("turns a network failure into an unreachable problem instead of throwing", async () => {
    const { result } = renderHook(() => useMutation());

    await act(async () => {
      await result.current.run(async () => {
        throw new TypeError("Failed to fetch");
      });
    });

    expect(result.current.problem).toEqual({
      kind: "unreachable",
      error: "The API could not be reached",
    });
    expect(result.current.pending).toBe(false);
    expect(router.push).not.toHaveBeenCalled();
  });
});
