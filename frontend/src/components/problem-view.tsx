import { type ApiProblem, describeProblem } from "@/lib/problem";

/** A failed read or write in words a person can act on; the code is for bug reports. */
export function ProblemView({ problem }: { problem: ApiProblem }) {
  const { title, message } = describeProblem(problem);
  return (
    <div className="notice notice-bad" role="alert">
      <p className="notice-title">{title}</p>
      <p>{message}</p>
      <p className="small">
        Code: <code>{problem.code}</code>
      </p>
    </div>
  );
}
