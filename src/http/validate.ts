import type * as z from "zod/mini";
import { ApiError, type FieldError } from "./api-error";

/** Validates `data` with `schema`, or throws 400 `validation_failed` naming each bad field. */
export function validate<S extends z.ZodMiniType>(schema: S, data: unknown): z.infer<S> {
  // reportInput: without it zod omits `input` from issues, and every wrong-typed field read as "is required".
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return result.data;
  const errors = result.error.issues.flatMap(describeIssue);
  throw new ApiError(
    400,
    "validation_failed",
    `The request is invalid: ${errors.map((e) => `${e.path || "body"}: ${e.message}`).join("; ")}`,
    errors,
  );
}

type Issue = z.core.$ZodIssue;

function describeIssue(issue: Issue): FieldError[] {
  const path = issue.path.map(String).join(".");
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => ({ path: path ? `${path}.${key}` : key, message: "unknown field" }));
    case "invalid_type":
      return [{ path, message: issue.input === undefined ? "is required" : `must be ${issue.expected}` }];
    case "too_small":
      return [
        {
          path,
          message:
            issue.origin === "string"
              ? `must be at least ${issue.minimum} characters`
              : `must be at least ${issue.minimum}`,
        },
      ];
    case "too_big":
      return [
        {
          path,
          message:
            issue.origin === "string"
              ? `must be at most ${issue.maximum} characters`
              : `must be at most ${issue.maximum}`,
        },
      ];
    case "invalid_value":
      return [{ path, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` }];
    case "invalid_format":
      return [{ path, message: `must be a valid ${issue.format}` }];
    case "invalid_union":
      return [
        { path, message: issue.message && issue.message !== "Invalid input" ? issue.message : "has an invalid shape" },
      ];
    default:
      return [{ path, message: issue.message && issue.message !== "Invalid input" ? issue.message : "is invalid" }];
  }
}
