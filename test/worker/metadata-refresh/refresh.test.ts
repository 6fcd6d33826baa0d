/**
 * SPEC §9 "Certificates and metadata": a connection with `idpMetadataUrl` is read again by
 * the org's one scheduler every 12 h (jittered), with a conditional GET; a failed read is
 * recorded, retried sooner, and never touches the working configuration; expired metadata
 * keeps it too, with a warning. The IdP is a real loopback server (test/setup/rotating-idp.ts),
 * time an injected clock.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { samlLifecycle } from "../../../src/store/org/metadata-refresh-state";
import type { OrganizationStore } from "../../../src/store/organization-store";
import { del, patch } from "../admin/helpers";
import {
  alarmAt,
  configurationUpdates,
  connectionView,
  feedLog,
  feedUrl,
  login,
  orgStub,
  refreshDueAt,
  rotatingConnection,
  runRefresh,
  setFeed,
  trusted,
} from "./helpers";

const HOUR = 3_600_000;

describe("metadata refresh: schedule and conditional GET", () => {
  it("an imported metadata URL is read again 10.8–12 h later; an unchanged document answers 304 and changes nothing", async () => {
    const before = Date.now();
    const c = await rotatingConnection("old");
    const due = await refreshDueAt(c);
    expect(due).toBeGreaterThanOrEqual(before + 10.8 * HOUR);
    expect(due).toBeLessThanOrEqual(Date.now() + 12 * HOUR);
    const view = await connectionView(c);
    expect(view.saml.metadataRefresh).toMatchObject({
      url: c.metadataUrl,
      lastAttemptAt: null,
      lastError: null,
      failures: 0,
      nextAt: new Date(due!).toISOString(),
      unlistedCertificates: [],
    });

    // First refresh: no validators yet (the import kept none), a full GET, same document: no change.
    const first = await runRefresh(c);
    let log = await feedLog(c.feed);
    expect(log.at(-1)).toEqual({ ifNoneMatch: null, ifModifiedSince: null, status: 200 });
    const afterFirst = await connectionView(c);
    expect(afterFirst.saml.metadataRefresh).toMatchObject({
      lastAttemptAt: new Date(first).toISOString(),
      lastSuccessAt: new Date(first).toISOString(),
      lastError: null,
      failures: 0,
    });
    expect(afterFirst.updatedAt).toBe(view.updatedAt);
    const next = await refreshDueAt(c);
    expect(next! - first).toBeGreaterThanOrEqual(10.8 * HOUR);
    expect(next! - first).toBeLessThanOrEqual(12 * HOUR);

    // Second: conditional, 304.
    const second = await runRefresh(c);
    log = await feedLog(c.feed);
    expect(log.at(-1)?.status).toBe(304);
    expect(log.at(-1)?.ifNoneMatch).toMatch(/^"[0-9a-f]{32}"$/);
    expect(log.at(-1)?.ifModifiedSince).toMatch(/GMT$/);
    expect((await connectionView(c)).saml.metadataRefresh).toMatchObject({
      lastSuccessAt: new Date(second).toISOString(),
      failures: 0,
    });
    expect(await configurationUpdates(c)).toEqual([]);
    expect(await trusted(c)).toEqual(["old"]);
  });

  it("cacheDuration shortens the interval; validUntil ahead bounds it", async () => {
    const c = await rotatingConnection("old");
    await setFeed(c.feed, "old", { cacheDuration: "PT1H" });
    const at = await runRefresh(c);
    let next = await refreshDueAt(c);
    expect(next! - at).toBeGreaterThanOrEqual(0.9 * HOUR);
    expect(next! - at).toBeLessThanOrEqual(HOUR);

    const validUntil = new Date(next! + 30 * 60_000).toISOString();
    await setFeed(c.feed, "old", { validUntil });
    const second = await runRefresh(c);
    next = await refreshDueAt(c);
    expect(next! - second).toBeLessThanOrEqual(12 * HOUR);
    expect(next).toBeLessThanOrEqual(Date.parse(validUntil));
    expect((await connectionView(c)).saml.metadataRefresh?.validUntil).toBe(validUntil);
  });

  it("another idpMetadataUrl starts the refresh afresh; deleting the connection ends it", async () => {
    const c = await rotatingConnection("old");
    await runRefresh(c);
    expect((await connectionView(c)).saml.metadataRefresh?.lastSuccessAt).not.toBeNull();
    const other = feedUrl(`${c.feed}-other`);
    const set = await patch(`organizations/${c.orgId}/connections/${c.connectionId}`, {
      saml: { idpMetadataUrl: other },
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body.saml.metadataRefresh).toMatchObject({ url: other, lastAttemptAt: null, lastSuccessAt: null });
    // The validators belonged to the other URL: the next read is a full GET of the new one.
    await runRefresh(c);
    expect((await feedLog(`${c.feed}-other`)).at(-1)).toEqual({
      ifNoneMatch: null,
      ifModifiedSince: null,
      status: 200,
    });
    expect((await del(`organizations/${c.orgId}/connections/${c.connectionId}`)).status).toBe(204);
    expect(await refreshDueAt(c)).toBeNull();
  });
});

describe("metadata refresh: failures keep the working configuration", () => {
  const cases: [mode: "500" | "garbage" | "sp" | "no-certs" | "reset" | "redirect-private", error: RegExp][] = [
    ["500", /^HTTP 500$/],
    ["redirect-private", /^redirected: https:\/\/169\.254\.169\.254 is a private or link-local address$/],
    ["garbage", /^the IdP metadata is invalid: malformed XML/],
    ["sp", /^the IdP metadata is invalid: EntityDescriptor has no IDPSSODescriptor \(is this SP metadata\?\)$/],
    ["no-certs", /^the IdP metadata is invalid: IDPSSODescriptor has no signing certificate$/],
    ["reset", /^127\.0\.0\.1:\d+ could not be reached$/],
  ];
  for (const [mode, error] of cases) {
    it(`${mode}: recorded, retried after 5 min then 10 min, logins keep working`, async () => {
      const c = await rotatingConnection("old");
      const before = await connectionView(c);
      await setFeed(c.feed, mode);
      const at = await runRefresh(c);
      const view = await connectionView(c);
      expect(view.saml.metadataRefresh).toMatchObject({
        lastAttemptAt: new Date(at).toISOString(),
        lastSuccessAt: null,
        failures: 1,
        nextAt: new Date(at + 5 * 60_000).toISOString(),
      });
      expect(view.saml.metadataRefresh?.lastError).toMatch(error);
      expect(view.saml).toEqual({ ...before.saml, metadataRefresh: view.saml.metadataRefresh });
      expect(view.updatedAt).toBe(before.updatedAt);
      expect(await refreshDueAt(c)).toBe(at + 5 * 60_000);

      const again = await runRefresh(c);
      expect((await connectionView(c)).saml.metadataRefresh).toMatchObject({ failures: 2 });
      expect(await refreshDueAt(c)).toBe(again + 10 * 60_000);
      expect(await login(c, "old")).toEqual({ ok: true });
      expect(await configurationUpdates(c)).toEqual([]);

      // The IdP recovers: the next read succeeds and clears the error.
      await setFeed(c.feed, "old");
      await runRefresh(c);
      expect((await connectionView(c)).saml.metadataRefresh).toMatchObject({ lastError: null, failures: 0 });
    });
  }

  it("metadata past its validUntil is not applied: a warning, the configuration kept", async () => {
    const c = await rotatingConnection("old");
    const due = await refreshDueAt(c);
    const expired = new Date(due! - HOUR).toISOString();
    await setFeed(c.feed, "new", { validUntil: expired });
    await alarmAt(c, due!);
    const view = await connectionView(c);
    expect(view.saml.metadataRefresh?.lastError).toBe(`the metadata expired at ${expired} (validUntil)`);
    expect(view.saml.metadataRefresh?.warning).toBe(
      `The metadata expired at ${expired} (validUntil); the configuration read before is kept.`,
    );
    expect(await trusted(c)).toEqual(["old"]);
    expect(await login(c, "old")).toEqual({ ok: true });
    expect(await configurationUpdates(c)).toEqual([]);
  });

  it("a configuration read from metadata whose validUntil has passed shows a warning and is kept", async () => {
    const c = await rotatingConnection("old");
    const due = await refreshDueAt(c);
    const validUntil = new Date(due! + HOUR).toISOString();
    await setFeed(c.feed, "old", { validUntil });
    await alarmAt(c, due!);
    expect((await connectionView(c)).saml.metadataRefresh).toMatchObject({ validUntil, warning: null });
    // The IdP goes down; its last document's validUntil passes without a newer one.
    await setFeed(c.feed, "500");
    await runRefresh(c);
    const later = new Date(Date.parse(validUntil) + 60_000);
    const status = await runInDurableObject(orgStub(c.orgId), (_store: OrganizationStore, state) =>
      samlLifecycle({ sql: state.storage.sql, now: later }, c.connectionId),
    );
    expect(status.metadataRefresh).toMatchObject({
      lastError: "HTTP 500",
      warning: `The IdP metadata expired at ${validUntil} (validUntil) and no newer document could be read; the configuration read before is kept.`,
    });
    expect(await trusted(c)).toEqual(["old"]);
  });
});
