import type { TestProject } from "vitest/node";
import { samlFixturesStep } from "./saml-fixtures";
import { startMetadataServer } from "./metadata-server";
import { startOidcProvider } from "./oidc-provider";
import { startHostileOidc } from "./hostile-oidc";
import { devIdpStep } from "./dev-idp";
import { startLdapPeers } from "./ldap-peers";
import { webhookReceiverStep } from "./webhook-receiver";
import { rotatingIdpStep } from "./rotating-idp";

/**
 * Node-side set-up shared by both test projects. Peers (xmlsec1-signed fixtures,
 * oidc-provider, slapd) are started here and handed to tests with provide/inject,
 * because tests inside workerd cannot spawn processes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];
  for (const [step, projects] of steps) {
    if (!projects.includes(project.name)) continue;
    const teardown = await step(project);
    if (teardown) teardowns.push(teardown);
  }
  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}

type SetupStep = (project: TestProject) => Promise<(() => Promise<void>) | void>;

/**
 * Each peer registers one step here, with the test projects that inject it (vitest runs
 * the global setup once per project, so a peer only one project uses starts only there).
 */
const steps: Array<[SetupStep, string[]]> = [
  [startMetadataServer, ["worker"]],
  [samlFixturesStep, ["worker", "node"]],
  [devIdpStep, ["worker", "node"]],
  [startOidcProvider, ["worker"]],
  [startHostileOidc, ["worker"]],
  [startLdapPeers, ["worker", "node"]],
  [webhookReceiverStep, ["worker"]],
  [rotatingIdpStep, ["worker"]],
];
