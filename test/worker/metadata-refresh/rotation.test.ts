/**
 * SPEC §9: an IdP rotates its signing certificate and logins never stop. New certificates
 * from refreshed metadata are trusted at once; one the metadata stops listing stays trusted
 * until a login verified by the new set succeeds, or 24 h pass; each change is one
 * `sso_configuration.updated` naming it. Responses are signed by xmlsec1 with the IdP's old
 * and new keys (test/setup/rotating-idp.ts), time is an injected clock.
 */
import { describe, expect, it } from "vitest";
import { orgEvents, patch } from "../admin/helpers";
import {
  alarmAt,
  configurationUpdates,
  connectionView,
  fingerprint,
  login,
  refreshDueAt,
  rotatingConnection,
  runRefresh,
  setFeed,
  trusted,
} from "./helpers";

const HOUR = 3_600_000;

describe("IdP certificate rotation through metadata refresh", () => {
  it("old, then both, then new-only: the old certificate goes after the first login verified by the new one", async () => {
    const [oldFp, newFp] = [await fingerprint("old"), await fingerprint("new")];
    const c = await rotatingConnection("old");
    expect(await login(c, "old")).toEqual({ ok: true });
    expect(await login(c, "new")).toEqual({ ok: false, reason: "untrusted_certificate" });

    // The IdP publishes its next certificate beside the current one: trusted at once.
    await setFeed(c.feed, "both");
    await runRefresh(c);
    expect(await trusted(c)).toEqual(["old", "new"]);
    let updates = await configurationUpdates(c);
    expect(updates.map((e) => e.data)).toEqual([
      { changed: ["saml.idpCertificates"], source: "metadata_refresh", certificatesAdded: [newFp] },
    ]);
    expect(updates[0]?.actor).toBe("system");
    expect(await login(c, "old")).toEqual({ ok: true });
    expect(await login(c, "new")).toEqual({ ok: true });
    // Nothing is on its way out, so a login with either changes nothing.
    expect(await configurationUpdates(c)).toHaveLength(1);

    // It switches and lists only the new one: the old stays trusted, on its way out.
    await setFeed(c.feed, "new");
    const at = await runRefresh(c);
    expect(await trusted(c)).toEqual(["new", "old"]);
    expect((await connectionView(c)).saml.metadataRefresh?.unlistedCertificates).toEqual([
      {
        fingerprintSha256: oldFp,
        unlistedAt: new Date(at).toISOString(),
        dropAt: new Date(at + 24 * HOUR).toISOString(),
      },
    ]);
    const idpStatus = async () =>
      Object.fromEntries(
        (await connectionView(c)).certificates
          .filter((cert) => cert.role === "idp_signing")
          .map((cert) => [cert.fingerprintSha256, cert.status]),
      );
    expect(await idpStatus()).toEqual({ [newFp]: "active", [oldFp]: "unlisted" });
    expect(await refreshDueAt(c, "idp-certificate-drop")).toBe(at + 24 * HOUR);
    updates = await configurationUpdates(c);
    expect(updates.at(-1)?.data).toEqual({
      changed: ["saml.idpCertificates"],
      source: "metadata_refresh",
      certificatesUnlisted: [oldFp],
    });
    // A login still signed with the old key (an IdP node not yet switched) works and proves nothing.
    expect(await login(c, "old")).toEqual({ ok: true });
    expect(await trusted(c)).toEqual(["new", "old"]);

    // The first login verified by the new certificate ends the rotation.
    expect(await login(c, "new")).toEqual({ ok: true });
    expect(await trusted(c)).toEqual(["new"]);
    updates = await configurationUpdates(c);
    expect(updates).toHaveLength(3);
    // (Ordered by time, the refreshes' events sort after it: they ran under the injected clock, hours ahead.)
    expect(updates.map((e) => e.data)).toContainEqual({
      changed: ["saml.idpCertificates"],
      source: "metadata_refresh",
      certificatesRemoved: [oldFp],
      reason: "verified_login",
    });
    expect((await connectionView(c)).saml.metadataRefresh?.unlistedCertificates).toEqual([]);
    expect(await idpStatus()).toEqual({ [newFp]: "active" });
    expect(await refreshDueAt(c, "idp-certificate-drop")).toBeNull();
    expect(await login(c, "old")).toEqual({ ok: false, reason: "untrusted_certificate" });
    expect(await login(c, "new")).toEqual({ ok: true });

    // Reading the same document again changes nothing and emits nothing.
    await runRefresh(c);
    await runRefresh(c);
    expect(await configurationUpdates(c)).toHaveLength(3);
  });

  it("with no login to prove the new set, the old certificate goes 24 h after the metadata dropped it", async () => {
    const oldFp = await fingerprint("old");
    const c = await rotatingConnection("old");
    await setFeed(c.feed, "new");
    const at = await runRefresh(c);
    expect(await trusted(c)).toEqual(["new", "old"]);

    // A refresh in between (the same document) keeps the drop where it was.
    await alarmAt(c, (await refreshDueAt(c))!);
    expect(await refreshDueAt(c, "idp-certificate-drop")).toBe(at + 24 * HOUR);
    await alarmAt(c, at + 24 * HOUR - 1);
    expect(await trusted(c)).toEqual(["new", "old"]);
    await alarmAt(c, at + 24 * HOUR);
    expect(await trusted(c)).toEqual(["new"]);
    expect((await configurationUpdates(c)).map((e) => e.data)).toEqual([
      {
        changed: ["saml.idpCertificates"],
        source: "metadata_refresh",
        certificatesAdded: [await fingerprint("new")],
        certificatesUnlisted: [oldFp],
      },
      {
        changed: ["saml.idpCertificates"],
        source: "metadata_refresh",
        certificatesRemoved: [oldFp],
        reason: "grace_elapsed",
      },
    ]);
    expect(await login(c, "new")).toEqual({ ok: true });
    expect(await login(c, "old")).toEqual({ ok: false, reason: "untrusted_certificate" });
  });

  it("a certificate listed again stops being dropped; an admin's own certificates end the rotation", async () => {
    const c = await rotatingConnection("old");
    await setFeed(c.feed, "new");
    await runRefresh(c);
    await setFeed(c.feed, "both");
    await runRefresh(c);
    expect(await trusted(c)).toEqual(["old", "new"]);
    expect((await connectionView(c)).saml.metadataRefresh?.unlistedCertificates).toEqual([]);
    expect(await refreshDueAt(c, "idp-certificate-drop")).toBeNull();

    await setFeed(c.feed, "old");
    await runRefresh(c);
    expect(await trusted(c)).toEqual(["old", "new"]);
    const pinned = await patch(`organizations/${c.orgId}/connections/${c.connectionId}`, {
      saml: { idpCertificates: [(await connectionView(c)).saml.idpCertificates[1]] },
    });
    expect(pinned.status, pinned.text).toBe(200);
    expect(pinned.body.saml.metadataRefresh.unlistedCertificates).toEqual([]);
    expect(await refreshDueAt(c, "idp-certificate-drop")).toBeNull();
  });

  it("a draft connection is refreshed too: its certificates follow the IdP, with connection.updated only", async () => {
    const c = await rotatingConnection("old", "draft");
    await setFeed(c.feed, "both");
    await runRefresh(c);
    expect(await trusted(c)).toEqual(["old", "new"]);
    expect(await configurationUpdates(c)).toEqual([]);
    const updated = (await orgEvents(c.orgId, "&type=connection.updated"))
      .map((e) => e.data)
      .filter((data) => data.source === "metadata_refresh");
    expect(updated).toEqual([
      { changed: ["saml.idpCertificates"], source: "metadata_refresh", certificatesAdded: [await fingerprint("new")] },
    ]);
  });
});
