/** The placeholder a connection's `searchFilter` holds for the username (seed 003's syntax). */
export const USER_PLACEHOLDER = "%(user)s";

/**
 * Escapes a value for an LDAP search filter (RFC 4515 §3): `*`, `(`, `)`, `\` and NUL become
 * `\2a`, `\28`, `\29`, `\5c` and `\00`, so a username can only ever be one assertion value —
 * `*)(uid=*` matches an entry whose value is exactly that text, never every entry. Other
 * characters, UTF-8 included, stay as they are (the filter's value is UTF-8 on the wire).
 */
export function escapeFilterValue(value: string): string {
  let out = "";
  for (const char of value) {
    switch (char) {
      case "*":
        out += "\\2a";
        break;
      case "(":
        out += "\\28";
        break;
      case ")":
        out += "\\29";
        break;
      case "\\":
        out += "\\5c";
        break;
      case "\0":
        out += "\\00";
        break;
      default:
        out += char;
    }
  }
  return out;
}

/** The connection's search filter with every `%(user)s` replaced by the escaped username. */
export function userFilter(searchFilter: string, username: string): string {
  return searchFilter.split(USER_PLACEHOLDER).join(escapeFilterValue(username));
}
