import { describeProblem, type Problem, problemReference } from "@/lib/problem";

/** A failed read or write in words a person can act on; the code is for bug reports. */
export function ProblemView({ problem }: { problem: Problem }) {
  const { title, message } = describeProblem(problem);
  const reference = problemReference(problem);
  return (
    <div className="notice notice-bad" role="alert">
      <p className="notice-title">{title}</p>
      <p>{message}</p>
      {reference && (
        <p className="small">
          {reference.label}: <code>{reference.value}</code>
        </p>
      )}
    </div>
  );
}
