/**
 * Consumer mail domains: anyone can get an address there, so none may route a login to an
 * organization (SPEC §2 "Domains"). The list is the `email-providers` package's `all.json`
 * (ISC, about 8,800 free-mail domains with their country variants: outlook.de, hotmail.it,
 * yahoo.co.in, gmx.at, …) plus OUR_ADDITIONS, less NEVER_CONSUMER.
 *
 * The package's 140 KB of JSON is loaded on first use (a dynamic import, its own lazily
 * evaluated module in the bundle), so an isolate that only serves logins never parses it:
 * module evaluation stays as it was (bench/README.md, "Cold start").
 */

/** Free-mail providers the package does not list (checked against email-providers 2.26.0). */
export const OUR_ADDITIONS: readonly string[] = [
  "passport.com",
  "tutanota.com",
  "tutanota.de",
  "tuta.io",
  "tuta.com",
  "keemail.me",
  "zohomail.com",
  "zohomail.eu",
  "fastmail.com",
  "fastmail.fm",
  "yandex.ua",
  "yandex.by",
  "yandex.kz",
  "yandex.com.tr",
  "ya.ru",
  "proton.me",
  "protonmail.com",
  "protonmail.ch",
  "pm.me",
  "hey.com",
  "skiff.com",
];

/**
 * Names the package lists that are no one's mailbox: the RFC 2606 reserved example domains
 * (the package carries example.com, which documentation and tests use as a company).
 */
export const NEVER_CONSUMER: ReadonlySet<string> = new Set(["example.com", "example.net", "example.org"]);

let consumerDomains: Promise<ReadonlySet<string>> | undefined;

function loadConsumerDomains(): Promise<ReadonlySet<string>> {
  consumerDomains ??= import("email-providers/all.json").then(
    ({ default: listed }) =>
      new Set([...(listed as string[]), ...OUR_ADDITIONS].filter((domain) => !NEVER_CONSUMER.has(domain))),
  );
  return consumerDomains;
}

/** The consumer mail domains among normalized domains, in their order. */
export async function consumerDomainsAmong(domains: readonly string[]): Promise<string[]> {
  if (domains.length === 0) return [];
  const list = await loadConsumerDomains();
  return domains.filter((domain) => list.has(domain));
}
