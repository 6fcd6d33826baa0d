import { ApiError, type FieldError } from "../http/api-error";
import { consumerDomainsAmong } from "./consumer-domains";

export type DomainCheck = { ok: true; domain: string } | { ok: false; reason: string };

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Lower-cases and IDNA-normalizes a domain (WHATWG URL host parsing applies UTS #46 and
 * punycode), then refuses IP addresses, single labels, ports, paths and bad labels.
 */
export function normalizeDomain(input: string): DomainCheck {
  const raw = input.trim().replace(/\.$/, "");
  if (!raw) return { ok: false, reason: "is empty" };
  if (/[\s/:@?#[\]\\%]/.test(raw)) return { ok: false, reason: "is not a bare domain name" };
  let host: string;
  try {
    host = new URL(`http://${raw}/`).hostname;
  } catch {
    return { ok: false, reason: "is not a valid domain name" };
  }
  if (/^[0-9.]+$/.test(host) || host.startsWith("[")) return { ok: false, reason: "is an IP address, not a domain" };
  const labels = host.split(".");
  if (labels.length < 2) return { ok: false, reason: "needs at least two labels (example.com)" };
  if (host.length > 253 || !labels.every((l) => LABEL.test(l)))
    return { ok: false, reason: "is not a valid domain name" };
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return { ok: false, reason: "has a numeric top-level label" };
  return { ok: true, domain: host };
}

/** `domains` arrives as an array or a comma-separated string (seed 000). */
export function splitDomains(input: string | string[]): string[] {
  const list = Array.isArray(input) ? input : input.split(",");
  return list.map((d) => d.trim()).filter((d) => d.length > 0);
}

/**
 * Normalizes a `domains` field: 400 `validation_failed` naming each bad entry, 400
 * `domain_not_allowed` for a consumer mail domain. Duplicates collapse.
 */
export async function normalizeDomains(input: string | string[], path = "domains"): Promise<string[]> {
  const errors: FieldError[] = [];
  const out = new Set<string>();
  splitDomains(input).forEach((value, i) => {
    const check = normalizeDomain(value);
    if (check.ok) out.add(check.domain);
    else errors.push({ path: `${path}.${i}`, message: `${JSON.stringify(value)} ${check.reason}` });
  });
  if (errors.length > 0) throw new ApiError(400, "validation_failed", "Some domains are invalid.", errors);
  const consumer = await consumerDomainsAmong([...out]);
  if (consumer.length > 0) {
    throw new ApiError(
      400,
      "domain_not_allowed",
      `Consumer mail domains cannot belong to an organization: ${consumer.join(", ")}`,
      consumer.map((d) => ({ path, message: `${d} is a consumer mail domain` })),
    );
  }
  return [...out];
}

/** The normalized domain of an email address, or null. */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  const check = normalizeDomain(email.slice(at + 1));
  return check.ok ? check.domain : null;
}
