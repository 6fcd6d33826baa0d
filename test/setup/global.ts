import type { TestProject } from "vitest/node";
import { samlFixturesStep } from "./saml-fixtures";
import { startMetadataServer } from "./metadata-server";
import { startOidcProvider } from "./oidc-provider";
import { startHostileOidc } from "./hostile-oidc";
import { devIdpStep } from "./dev-idp";

/**
 * Node-side set-up shared by both test projects. Peers (xmlsec1-signed fixtures,
 * oidc-provider, slapd) are started here and handed to tests with provide/inject,
 * because tests inside workerd cannot spawn processes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const teardowns: Array<() => Promise<void>> = [];
  for (const step of steps) {
    const teardown = await step(project);
    if (teardown) teardowns.push(teardown);
  }
  return async () => {
    for (const teardown of teardowns.reverse()) await teardown();
  };
}

type SetupStep = (project: TestProject) => Promise<(() => Promise<void>) | void>;

/** Each peer registers one step here. */
const steps: SetupStep[] = [startMetadataServer, samlFixturesStep, devIdpStep, startOidcProvider, startHostileOidc];
