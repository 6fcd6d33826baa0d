import { sqlMigration, type Migration } from "./run-migrations";

/** Every schema step of `DomainClaim`, in order. 1 is the unversioned release's table, verbatim. */
export const DOMAIN_CLAIM_MIGRATIONS: readonly Migration[] = [
  sqlMigration(
    1,
    "initial",
    "CREATE TABLE IF NOT EXISTS claim (domain TEXT PRIMARY KEY, organization_id TEXT NOT NULL, claimed_at TEXT NOT NULL)",
  ),
  // Only a verified domain is exclusive (issue 10): `claim` keeps the verified owner, unverified
  // claims of any number of orgs wait in `pending_claims`. The owner row an older release
  // wrote may be an unverified claim (it made every claim exclusive): it is marked unsettled,
  // and its org's object is asked the first time another claim meets it (domain-claim.ts).
  sqlMigration(
    2,
    "pending-claims",
    `CREATE TABLE IF NOT EXISTS pending_claims (organization_id TEXT PRIMARY KEY, claimed_at TEXT NOT NULL);
     CREATE TABLE IF NOT EXISTS unsettled_claim (organization_id TEXT PRIMARY KEY);
     INSERT OR IGNORE INTO unsettled_claim SELECT organization_id FROM claim;`,
  ),
];
