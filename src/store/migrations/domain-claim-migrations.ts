import { sqlMigration, type Migration } from "./run-migrations";

/** Every schema step of `DomainClaim`, in order. 1 is the unversioned release's table, verbatim. */
export const DOMAIN_CLAIM_MIGRATIONS: readonly Migration[] = [
  sqlMigration(
    1,
    "initial",
    "CREATE TABLE IF NOT EXISTS claim (domain TEXT PRIMARY KEY, organization_id TEXT NOT NULL, claimed_at TEXT NOT NULL)",
  ),
];
