/**
 * The test directory every LDAP test reads: users with mail, names and passwords, groups
 * (the memberOf overlay fills `memberOf`), a service account the searches bind as, a user
 * whose uid has the shape of a filter injection, and two entries sharing one mail.
 */

export const BASE_DN = "dc=corp,dc=example";
/** The mail domain of the directory's users; the sign-in tests' organizations own it. */
export const MAIL_DOMAIN = "ldap-corp.example.net";

export const SERVICE = {
  dn: `cn=reader,ou=services,${BASE_DN}`,
  password: "reader-password-7d1c",
};

export interface DirectoryUser {
  uid: string;
  dn: string;
  mail: string;
  password: string;
  givenName: string;
  sn: string;
  groups: string[];
}

const user = (uid: string, rdn: string, givenName: string, sn: string, mail: string, groups: string[] = []) => ({
  uid,
  dn: `${rdn},ou=people,${BASE_DN}`,
  mail,
  password: `${givenName.toLowerCase()}-secret-${sn.length}`,
  givenName,
  sn,
  groups: groups.map((g) => `cn=${g},ou=groups,${BASE_DN}`),
});

/** The users, by the role they play in the tests. */
export const USERS = {
  alice: user("alice", "uid=alice", "Alice", "Liddell", `alice@${MAIL_DOMAIN}`, ["engineering", "admins"]),
  bob: user("bob", "uid=bob", "Bob", "Builder", `bob@${MAIL_DOMAIN}`, ["engineering"]),
  carol: user("carol", "uid=carol", "Carol", "Danvers", `carol@${MAIL_DOMAIN}`),
  erin: user("erin", "uid=erin", "Erin", "Brockovich", `erin@${MAIL_DOMAIN}`),
  /** Its uid is a filter injection's shape: only RFC 4515 escaping finds exactly this entry. */
  injection: user("*)(uid=*", "cn=Injection Shaped", "Injection", "Shaped", `injection@${MAIL_DOMAIN}`),
  dupOne: user("dup1", "uid=dup1", "Dup", "One", `shared@${MAIL_DOMAIN}`),
  dupTwo: user("dup2", "uid=dup2", "Dup", "Two", `shared@${MAIL_DOMAIN}`),
} satisfies Record<string, DirectoryUser>;

/** LDIF of the whole directory: the suffix, its units, the service account, the users, then the groups. */
export function directoryLdif(): string {
  const people = Object.values(USERS).map(
    (u) => `dn: ${u.dn}
objectClass: inetOrgPerson
uid: ${u.uid}
cn: ${u.givenName} ${u.sn}
givenName: ${u.givenName}
sn: ${u.sn}
mail: ${u.mail}
userPassword: ${u.password}
`,
  );
  const groupNames = [...new Set(Object.values(USERS).flatMap((u) => u.groups))];
  const groups = groupNames.map((dn) => {
    const members = Object.values(USERS).filter((u) => u.groups.includes(dn));
    return `dn: ${dn}
objectClass: groupOfNames
cn: ${/^cn=([^,]+)/.exec(dn)![1]}
${members.map((m) => `member: ${m.dn}`).join("\n")}
`;
  });
  return [
    `dn: ${BASE_DN}
objectClass: dcObject
objectClass: organization
dc: corp
o: Corp
`,
    ...["people", "groups", "services"].map(
      (ou) => `dn: ou=${ou},${BASE_DN}
objectClass: organizationalUnit
ou: ${ou}
`,
    ),
    `dn: ${SERVICE.dn}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: reader
userPassword: ${SERVICE.password}
`,
    ...people,
    ...groups,
  ].join("\n");
}
