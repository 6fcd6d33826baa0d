/**
 * Consumer mail domains: anyone can get an address there, so none may route a login to an
 * organization (SPEC §2 "Domains").
 */
const CONSUMER_DOMAINS = new Set([
  "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com",
  "live.co.uk", "msn.com", "passport.com", "yahoo.com", "yahoo.co.uk", "yahoo.co.jp", "yahoo.fr", "yahoo.de",
  "yahoo.es", "yahoo.it", "yahoo.com.br", "ymail.com", "rocketmail.com", "aol.com", "aim.com", "icloud.com",
  "me.com", "mac.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tuta.io",
  "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "mail.ru", "yandex.ru", "yandex.com", "zoho.com",
  "zohomail.com", "fastmail.com", "hey.com", "qq.com", "163.com", "126.com", "sina.com", "naver.com",
  "daum.net", "hanmail.net", "orange.fr", "free.fr", "laposte.net", "libero.it", "t-online.de", "comcast.net",
  "verizon.net", "att.net", "sbcglobal.net", "btinternet.com", "rediffmail.com", "seznam.cz", "wp.pl", "o2.pl",
  "inbox.com", "hushmail.com", "mailinator.com",
]);

export function isConsumerDomain(domain: string): boolean {
  return CONSUMER_DOMAINS.has(domain);
}
