/** The one parser of stored connection settings (src/connections/stored-settings.ts), run by the row mapping. */
import { describe, expect, it } from "vitest";
import { DEFAULT_OIDC_SETTINGS, defaultSamlSettings } from "../../../src/connections/settings";
import { rowToConnection, type ConnectionRow } from "../../../src/store/org/connection-rows";

const common = { allowAnyEmailDomain: false, idpInitiatedClientId: null, idpInitiatedRedirectUri: null };

function row(type: string, settings: unknown): ConnectionRow {
  return {
    id: "conn_x",
    type,
    name: "n",
    provider: "Generic",
    state: "draft",
    domains: "[]",
    settings: JSON.stringify(settings),
    secrets: "{}",
    created_at: "2026-01-01T00:00:00.000Z",
    updated_at: "2026-01-01T00:00:00.000Z",
  };
}

describe("rowToConnection", () => {
  it("reads a SAML row into a typed SAML connection, every field kept", () => {
    const saml = {
      ...defaultSamlSettings("SIGN", "ENC"),
      idpEntityId: "https://idp",
      attributeMapping: { email: "m" },
    };
    const connection = rowToConnection(row("saml", { ...common, saml }), "org_1");
    expect(connection.type).toBe("saml");
    if (connection.type !== "saml") throw new Error("narrowing");
    expect(connection.settings).toEqual({ ...common, saml });
    expect(connection.organizationId).toBe("org_1");
  });

  it("gives a field a row predates its default (a row written before the field existed)", () => {
    const { passLoginHint: _p, prompt: _q, ...older } = { ...DEFAULT_OIDC_SETTINGS, issuer: "https://idp" };
    const connection = rowToConnection(row("oidc", { allowAnyEmailDomain: true, oidc: older }), "org_1");
    if (connection.type !== "oidc") throw new Error("narrowing");
    expect(connection.settings.oidc).toEqual({ ...DEFAULT_OIDC_SETTINGS, issuer: "https://idp" });
    expect(connection.settings).toMatchObject({ allowAnyEmailDomain: true, idpInitiatedClientId: null });
  });

  it("refuses a corrupt row instead of handing out mistyped settings", () => {
    const saml = { ...defaultSamlSettings("SIGN", "ENC"), wantAssertionsSigned: "no" };
    expect(() => rowToConnection(row("saml", { ...common, saml }), "org_1")).toThrow();
    expect(() => rowToConnection(row("saml", { ...common, oidc: DEFAULT_OIDC_SETTINGS }), "org_1")).toThrow();
    expect(() => rowToConnection(row("kerberos", common), "org_1")).toThrow(/unknown type kerberos/);
  });
});
