// Creates .dev.vars with a random ADMIN_API_KEY and SECRETS_KEY when it is missing, and
// reads the admin key back. Shared by `npm run dev` and `npm run demo`.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** Ensures the file exists; returns {adminKey, created}. */
export function ensureDevVars(path) {
  let created = false;
  if (!existsSync(path)) {
    const adminKey = `dev_${randomBytes(24).toString("base64url")}`;
    writeFileSync(
      path,
      [
        "# Local development secrets, created on first run. Never commit this file.",
        `ADMIN_API_KEY=${adminKey}`,
        `SECRETS_KEY=${randomBytes(32).toString("base64")}`,
        "# Lets OIDC IdPs on 127.0.0.1/localhost use http:// (local dev and tests only).",
        "ALLOW_INSECURE_LOOPBACK_IDP=true",
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    created = true;
  }
  const match = /^ADMIN_API_KEY=(.+)$/m.exec(readFileSync(path, "utf8"));
  if (!match) throw new Error(`${path} has no ADMIN_API_KEY`);
  return { adminKey: match[1].trim(), created };
}
