import { expect } from "chai";
import * as iam from "../../policy-packs/aws-compliance/policies/identity-iam";
import type * as aws from "@pulumi/aws";
import { fixture, unknown_ } from "../helpers/fixture";
import { UNKNOWN, evaluate, findings, only, res, undecided } from "../helpers/policy";

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: "2012-10-17", Statement });
const admin = { Sid: "Admin", Effect: "Allow", Action: "*", Resource: "*" };
const readBucket = { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::data/*" };

/** The ways an identity policy document reaches a program: as JSON text or an object, on each token. */
const carriers: { type: string; build: (d: unknown) => Record<string, unknown> }[] = [
  { type: "aws:iam/policy:Policy", build: (d) => ({ policy: JSON.stringify(d) }) },
  { type: "aws:iam/policy:Policy", build: (d) => ({ policy: d }) },
  { type: "aws:iam/rolePolicy:RolePolicy", build: (d) => ({ role: "app", policy: JSON.stringify(d) }) },
  { type: "aws:iam/userPolicy:UserPolicy", build: (d) => ({ user: "bob", policy: d }) },
  { type: "aws:iam/groupPolicy:GroupPolicy", build: (d) => ({ group: "ops", policy: JSON.stringify(d) }) },
  { type: "aws:iam/role:Role", build: (d) => ({ assumeRolePolicy: "{}", inlinePolicies: [{ name: "inline", policy: JSON.stringify(d) }] }) },
];

describe("policy iam-policy-no-admin-access (IAM.1)", () => {
  for (const c of carriers) {
    it(`${c.type}: passes least privilege, fails "*" on "*"`, async () => {
      expect(await evaluate(iam.iamNoAdminPolicies, res(c.type, c.build(doc(readBucket))))).to.deep.equal([]);
      const m = await only(iam.iamNoAdminPolicies, res(c.type, c.build(doc(readBucket, admin)), { name: "p" }));
      expect(m).to.include(`[IAM.1] p (${c.type}): `);
      expect(m).to.include("statement \"Admin\" allows \"*\" on \"*\" (full administrative access)");
    });
  }
  it("accepts Action and Resource as arrays and \"*:*\"", async () => {
    expect(await only(iam.iamNoAdminPolicies, res("aws:iam/policy:Policy", { policy: doc({ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }) }))).to.include("Statement[0] allows");
  });
  it("ignores Deny statements", async () => {
    expect(await evaluate(iam.iamNoAdminPolicies, res("aws:iam/policy:Policy", { policy: doc({ ...admin, Effect: "Deny" }) }))).to.deep.equal([]);
  });
  it("cannot decide an unknown document, or \"*\" on an unknown resource", async () => {
    await undecided(iam.iamNoAdminPolicies, res("aws:iam/policy:Policy", { policy: UNKNOWN }));
    await undecided(iam.iamNoAdminPolicies, res("aws:iam/policy:Policy", { policy: doc({ Effect: "Allow", Action: "*", Resource: UNKNOWN }) }));
    await undecided(iam.iamNoAdminPolicies, res("aws:iam/role:Role", { inlinePolicies: UNKNOWN }));
  });
});

describe("policy iam-policy-no-wildcard-actions (BP.IAM.1)", () => {
  it("fails \"*\" on a narrow resource and Allow + NotAction, passes named actions", async () => {
    expect(await evaluate(iam.iamNoWildcardActions, res("aws:iam/rolePolicy:RolePolicy", { policy: doc(readBucket) }))).to.deep.equal([]);
    const m = await only(iam.iamNoWildcardActions, res("aws:iam/rolePolicy:RolePolicy", { policy: JSON.stringify(doc({ Effect: "Allow", Action: "*", Resource: "arn:aws:s3:::data" }, { Effect: "Allow", NotAction: "iam:*", Resource: "*" })) }, { name: "rp" }));
    expect(m).to.include("[BP.IAM.1] rp (aws:iam/rolePolicy:RolePolicy): policy Statement[0] allows every action (\"*\"); policy Statement[1] is an Allow with NotAction (iam:*)");
  });
  it("cannot decide an unknown document", async () => {
    await undecided(iam.iamNoWildcardActions, res("aws:iam/userPolicy:UserPolicy", { policy: UNKNOWN }));
  });
});

describe("policy iam-policy-no-service-wildcard-actions (IAM.21) and iam-inline-policy-no-service-wildcard-actions (BP.IAM.2)", () => {
  const s3All = { Sid: "S3", Effect: "Allow", Action: ["s3:*", "logs:*"], Resource: "*" };
  it("IAM.21 fails service wildcards in customer managed policies, and takes exceptions from config", async () => {
    expect(await evaluate(iam.iamNoServiceWildcards, res("aws:iam/policy:Policy", { policy: doc(readBucket) }))).to.deep.equal([]);
    const m = await only(iam.iamNoServiceWildcards, res("aws:iam/policy:Policy", { policy: JSON.stringify(doc(s3All)) }, { name: "mp" }));
    expect(m).to.include("[IAM.21] mp (aws:iam/policy:Policy): policy statement \"S3\" allows every action of a service (s3:*, logs:*)");
    expect(await only(iam.iamNoServiceWildcards, res("aws:iam/policy:Policy", { policy: doc(s3All) }), { exceptionActions: ["logs:*"] })).to.include("(s3:*)");
    expect(await evaluate(iam.iamNoServiceWildcards, res("aws:iam/rolePolicy:RolePolicy", { policy: doc(s3All) }))).to.deep.equal([]);
  });
  it("BP.IAM.2 covers inline policies (RolePolicy, UserPolicy, GroupPolicy, Role inlinePolicies) only", async () => {
    for (const c of carriers.filter((x) => x.type !== "aws:iam/policy:Policy")) {
      expect(await only(iam.iamInlineNoServiceWildcards, res(c.type, c.build(doc(s3All))))).to.include("[BP.IAM.2]");
    }
    expect(await evaluate(iam.iamInlineNoServiceWildcards, res("aws:iam/policy:Policy", { policy: doc(s3All) }))).to.deep.equal([]);
    expect(await evaluate(iam.iamInlineNoServiceWildcards, res("aws:iam/rolePolicy:RolePolicy", { policy: doc(s3All) }), { exceptionActions: ["s3:*", "LOGS:*"] })).to.deep.equal([]);
  });
  it("cannot decide an unknown document", async () => {
    await undecided(iam.iamNoServiceWildcards, res("aws:iam/policy:Policy", { policy: UNKNOWN }));
  });
});

describe("policy iam-user-no-attached-policies (IAM.2)", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["aws:iam/userPolicy:UserPolicy", { user: "bob", policy: "{}" }, "is an inline policy on user \"bob\""],
    ["aws:iam/userPolicyAttachment:UserPolicyAttachment", { user: "bob", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }, "attaches a managed policy to user \"bob\""],
    ["aws:iam/policyAttachment:PolicyAttachment", { users: ["bob", "eve"], policyArn: "arn:x" }, "attaches policy to 2 users"],
    ["aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", { userName: "bob", policyArns: ["arn:x"] }, "attaches managed policies to user \"bob\""],
    ["aws:iam/userPoliciesExclusive:UserPoliciesExclusive", { userName: "bob", policyNames: ["p"] }, "keeps inline policies on user \"bob\""],
  ];
  for (const [type, inputs, text] of cases) {
    it(`fails ${type}`, async () => {
      expect(await only(iam.iamUserNoPolicies, res(type, inputs, { name: "u" }))).to.include(`[IAM.2] u (${type}): ${text}`);
    });
  }
  it("passes attachments to groups and roles, and empty exclusive lists", async () => {
    expect(await evaluate(iam.iamUserNoPolicies, res("aws:iam/policyAttachment:PolicyAttachment", { roles: ["r"], groups: ["g"], policyArn: "arn:x" }))).to.deep.equal([]);
    expect(await evaluate(iam.iamUserNoPolicies, res("aws:iam/userPolicyAttachmentsExclusive:UserPolicyAttachmentsExclusive", { userName: "bob", policyArns: [] }))).to.deep.equal([]);
  });
  it("cannot decide unknown users of a PolicyAttachment", async () => {
    await undecided(iam.iamUserNoPolicies, res("aws:iam/policyAttachment:PolicyAttachment", { users: UNKNOWN, policyArn: "arn:x" }));
  });
});

describe("policy iam-password-policy (IAM.7, IAM.10-IAM.17): one finding per weak setting, every control it breaks", () => {
  const PP = "aws:iam/accountPasswordPolicy:AccountPasswordPolicy";
  const strong = { requireUppercaseCharacters: true, requireLowercaseCharacters: true, requireSymbols: true, requireNumbers: true, minimumPasswordLength: 14, passwordReusePrevention: 24, maxPasswordAge: 90 };
  const weakFindings = async (over: Record<string, unknown>, config: Record<string, unknown> = {}) =>
    findings(await evaluate(iam.iamPasswordPolicy, res(PP, { ...strong, ...over }, { name: "account" }), config)).map((v) => v.message.split("\n").pop()!);

  it("passes a policy that meets every control", async () => {
    expect(await evaluate(iam.iamPasswordPolicy, res(PP, strong))).to.deep.equal([]);
  });
  for (const t of [
    { weaken: { requireUppercaseCharacters: undefined }, controls: "IAM.7, IAM.10, IAM.11", problem: "`requireUppercaseCharacters` is not true" },
    { weaken: { requireLowercaseCharacters: false }, controls: "IAM.7, IAM.10, IAM.12", problem: "`requireLowercaseCharacters` is not true" },
    { weaken: { requireSymbols: false }, controls: "IAM.7, IAM.13", problem: "`requireSymbols` is not true" },
    { weaken: { requireNumbers: false }, controls: "IAM.7, IAM.10, IAM.14", problem: "`requireNumbers` is not true" },
    { weaken: { minimumPasswordLength: undefined }, controls: "IAM.7, IAM.10, IAM.15", problem: "`minimumPasswordLength` is 6 (needs 14 or more)" },
    { weaken: { minimumPasswordLength: 10 }, controls: "IAM.15", problem: "`minimumPasswordLength` is 10 (needs 14 or more)" },
    { weaken: { passwordReusePrevention: 5 }, controls: "IAM.16", problem: "`passwordReusePrevention` is 5 (needs 24 or more)" },
    { weaken: { passwordReusePrevention: 2 }, controls: "IAM.10, IAM.16", problem: "`passwordReusePrevention` is 2 (needs 24 or more)" },
    { weaken: { maxPasswordAge: undefined }, controls: "IAM.10, IAM.17", problem: "`maxPasswordAge` is unset (passwords never expire) (needs 1 to 90 days)" },
  ]) {
    it(`${t.problem}: one finding, [${t.controls}]`, async () => {
      const vs = await weakFindings(t.weaken);
      expect(vs).to.have.length(1);
      expect(vs[0]).to.include(`[${t.controls}] account (${PP}): the account password policy is weak: ${t.problem}`);
    });
  }
  it("a policy weak in three ways gets three findings, not one per control", async () => {
    expect(await weakFindings({ requireSymbols: false, minimumPasswordLength: 8, maxPasswordAge: 365 })).to.have.length(3);
  });
  it("config chooses the controls and overrides a control's thresholds", async () => {
    expect(await weakFindings({ minimumPasswordLength: 10, passwordReusePrevention: 5 }, { controls: ["IAM.7", "IAM.10"] })).to.deep.equal([]);
    const stricter = await weakFindings({}, { requirements: { "IAM.15": { minimumPasswordLength: 16 } } });
    expect(stricter).to.have.length(1);
    expect(stricter[0]).to.include("[IAM.15]").and.include("(needs 16 or more)");
  });
  it("cannot decide unknown settings", async () => {
    await undecided(iam.iamPasswordPolicy, res(PP, Object.fromEntries(Object.keys(strong).map((k) => [k, UNKNOWN]))));
  });
});

describe("policy iam-role-trust-no-public-principal (BP.IAM.3)", () => {
  const ROLE = "aws:iam/role:Role";
  const trust = (...s: Record<string, unknown>[]) => JSON.stringify(doc(...s));
  it("passes service and account principals, and a public principal scoped by org", async () => {
    expect(await evaluate(iam.iamRoleTrustNoPublicPrincipal, res(ROLE, { assumeRolePolicy: trust({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }) }))).to.deep.equal([]);
    const scoped = { Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } } };
    expect(await evaluate(iam.iamRoleTrustNoPublicPrincipal, res(ROLE, { assumeRolePolicy: doc(scoped) }))).to.deep.equal([]);
  });
  it("fails Principal \"*\" (string or AWS array, string or object document)", async () => {
    const m = await only(iam.iamRoleTrustNoPublicPrincipal, res(ROLE, { assumeRolePolicy: trust({ Sid: "Open", Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }) }, { name: "r" }));
    expect(m).to.include("[BP.IAM.3] r (aws:iam/role:Role): trust policy statement \"Open\" lets any AWS principal (\"*\") assume the role");
    expect(await only(iam.iamRoleTrustNoPublicPrincipal, res(ROLE, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::1:root", "*"] }, Action: "sts:AssumeRole" }) }))).to.include("aws:PrincipalOrgID");
  });
  it("judges conditions by operator and value (typed fixtures)", async () => {
    const role = (Condition: unknown) => fixture<aws.iam.RoleArgs>(ROLE, { assumeRolePolicy: trust({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition }) }, { name: "r" });
    expect(await only(iam.iamRoleTrustNoPublicPrincipal, role({ StringLike: { "aws:PrincipalArn": "*" } }))).to.include("[BP.IAM.3] r (aws:iam/role:Role): trust policy");
    expect(await only(iam.iamRoleTrustNoPublicPrincipal, role({ StringNotEquals: { "aws:PrincipalAccount": "111122223333" } }))).to.include("[BP.IAM.3] r");
    expect(await evaluate(iam.iamRoleTrustNoPublicPrincipal, role({ ArnLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/ci-*" } }))).to.deep.equal([]);
    await undecided(iam.iamRoleTrustNoPublicPrincipal, role({ StringEquals: { "aws:PrincipalAccount": unknown_() } }));
  });
  it("cannot decide an unknown trust policy", async () => {
    await undecided(iam.iamRoleTrustNoPublicPrincipal, res(ROLE, { assumeRolePolicy: UNKNOWN }));
  });
});

describe("policy iam-github-oidc-trust-pinned (BP.IAM.4)", () => {
  const ROLE = "aws:iam/role:Role";
  const gh = (condition?: Record<string, unknown>, federated: unknown = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com") =>
    res(ROLE, { assumeRolePolicy: JSON.stringify(doc({ Sid: "GitHub", Effect: "Allow", Principal: { Federated: federated }, Action: "sts:AssumeRoleWithWebIdentity", ...(condition ? { Condition: condition } : {}) })) }, { name: "deploy" });
  const aud = { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" };
  it("passes a role pinned to a repository (StringEquals or StringLike with a ref wildcard)", async () => {
    expect(await evaluate(iam.iamGithubOidcPinned, gh({ StringEquals: { ...aud, "token.actions.githubusercontent.com:sub": "repo:acme/shop:environment:prod" } }))).to.deep.equal([]);
    expect(await evaluate(iam.iamGithubOidcPinned, gh({ StringEquals: aud, StringLike: { "token.actions.githubusercontent.com:sub": ["repo:acme/shop:ref:refs/heads/*"] } }))).to.deep.equal([]);
  });
  it("fails a role without a sub condition, or with \"*\", \"repo:*/*\" or an org-wide subject", async () => {
    expect(await only(iam.iamGithubOidcPinned, gh({ StringEquals: aud }))).to.include("[BP.IAM.4] deploy (aws:iam/role:Role): statement \"GitHub\" trusts GitHub Actions OIDC without a condition on token.actions.githubusercontent.com:sub");
    for (const sub of ["*", "repo:*/*", "repo:acme/*"]) {
      expect(await only(iam.iamGithubOidcPinned, gh({ StringLike: { "token.actions.githubusercontent.com:sub": sub } }))).to.include(`accepts GitHub subject "${sub}"`);
    }
  });
  it("accepts an org-wide subject when config allows it", async () => {
    expect(await evaluate(iam.iamGithubOidcPinned, gh({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:acme/*" } }), { allowOrgWideSubjects: true })).to.deep.equal([]);
    expect(findings(await evaluate(iam.iamGithubOidcPinned, gh({ StringLike: { "token.actions.githubusercontent.com:sub": "repo:*/*" } }), { allowOrgWideSubjects: true }))).to.have.length(1);
  });
  it("ignores other federated principals", async () => {
    const eks = res(ROLE, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "arn:aws:iam::1:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/X" }, Action: "sts:AssumeRoleWithWebIdentity" }) });
    expect(await evaluate(iam.iamGithubOidcPinned, eks)).to.deep.equal([]);
  });
  it("cannot decide an unknown subject, or an unknown provider with no sub condition", async () => {
    await undecided(iam.iamGithubOidcPinned, res(ROLE, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: "arn:x/token.actions.githubusercontent.com" }, Action: "sts:AssumeRoleWithWebIdentity", Condition: { StringEquals: { "token.actions.githubusercontent.com:sub": UNKNOWN } } }) }));
    await undecided(iam.iamGithubOidcPinned, res(ROLE, { assumeRolePolicy: doc({ Effect: "Allow", Principal: { Federated: UNKNOWN }, Action: "sts:AssumeRoleWithWebIdentity" }) }));
  });
});

describe("policy iam-no-user-access-keys (BP.IAM.6)", () => {
  it("fails every access key and leaves users alone", async () => {
    expect(await only(iam.iamNoAccessKeys, res("aws:iam/accessKey:AccessKey", { user: "ci" }, { name: "key" }))).to.include("[BP.IAM.6] key (aws:iam/accessKey:AccessKey): creates a long-lived access key for user \"ci\"");
    expect(await evaluate(iam.iamNoAccessKeys, res("aws:iam/user:User", { name: "ci" }))).to.deep.equal([]);
  });
  it("can be exempted with a reason", async () => {
    const vs = await evaluate(iam.iamNoAccessKeys, res("aws:iam/accessKey:AccessKey", { user: "legacy" }, { name: "key" }), { exemptions: [{ resource: "urn:pulumi:test::test::aws:iam/accessKey:AccessKey::key", reason: "on-prem backup agent without role support, ticket SEC-12", expires: "2999-01-01" }] });
    expect(findings(vs)).to.deep.equal([]);
  });
});

describe("policy iam-no-privileged-managed-policy-attachment (BP.IAM.7)", () => {
  const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
  it("fails AdministratorAccess on each attachment kind (incl. other partitions and role managedPolicyArns)", async () => {
    const kinds: [string, Record<string, unknown>][] = [
      ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: ADMIN }],
      ["aws:iam/groupPolicyAttachment:GroupPolicyAttachment", { group: "g", policyArn: "arn:aws-us-gov:iam::aws:policy/AdministratorAccess" }],
      ["aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive", { roleName: "r", policyArns: ["arn:aws:iam::aws:policy/IAMFullAccess"] }],
      ["aws:iam/role:Role", { assumeRolePolicy: "{}", managedPolicyArns: [ADMIN] }],
    ];
    for (const [type, inputs] of kinds) {
      expect(await only(iam.iamNoPrivilegedManagedPolicies, res(type, inputs, { name: "att" })), type).to.match(/\[BP.IAM.7\] att \(.*\): attaches the AWS managed (AdministratorAccess|IAMFullAccess) policy/);
    }
  });
  it("passes other managed policies and stack policies (unknown ARN from an aws.iam.Policy)", async () => {
    expect(await evaluate(iam.iamNoPrivilegedManagedPolicies, res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }))).to.deep.equal([]);
    const p = res("aws:iam/policy:Policy", { policy: "{}" });
    expect(await evaluate(iam.iamNoPrivilegedManagedPolicies, [p, res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: UNKNOWN }, { deps: { policyArn: [p] } })])).to.deep.equal([]);
  });
  it("reads the forbidden list from config", async () => {
    const r = res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: "arn:aws:iam::aws:policy/PowerUserAccess" });
    expect(await evaluate(iam.iamNoPrivilegedManagedPolicies, r)).to.deep.equal([]);
    expect(findings(await evaluate(iam.iamNoPrivilegedManagedPolicies, r, { forbiddenPolicies: ["PowerUserAccess"] }))).to.have.length(1);
  });
  it("cannot decide an unknown ARN that does not come from a policy of the stack", async () => {
    await undecided(iam.iamNoPrivilegedManagedPolicies, res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", { role: "r", policyArn: UNKNOWN }));
  });
});

describe("identity-iam.ts exports", () => {
  it("lists runtime-only IAM controls as not decidable, with reasons", () => {
    expect(Object.keys(iam.notDecidable).sort()).to.deep.equal(["IAM.19", "IAM.22", "IAM.3", "IAM.4", "IAM.5", "IAM.6", "IAM.8", "IAM.9"]);
    for (const why of Object.values(iam.notDecidable)) expect(why.length).to.be.greaterThan(20);
    expect(new Set(iam.policies.map((p) => p.name)).size).to.equal(iam.policies.length);
  });
});
