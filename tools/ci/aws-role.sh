#!/usr/bin/env bash
# The AWS role a CI job assumes, from one value: the stage (dev | prod). Fails closed: an unknown
# stage, or a stage whose account secret is unset or not an account id, is a job error that names
# the secret. Never falls back to another account.
#
#   STAGE=prod PROJECT=ecommerce KIND=deploy AWS_ACCOUNT_ID_DEV=... AWS_ACCOUNT_ID_PROD=... \
#     bash tools/ci/aws-role.sh          # appends role=arn:aws:iam::<id>:role/platform/ci-<project>-<kind> to $GITHUB_OUTPUT
set -euo pipefail

fail() {
  echo "::error::$1"
  exit 1
}

case "${STAGE:-}" in
  dev) secret=AWS_ACCOUNT_ID_DEV ;;
  prod) secret=AWS_ACCOUNT_ID_PROD ;;
  *) fail "stage '${STAGE:-}' is not one of: dev, prod" ;;
esac
case "${KIND:-}" in
  preview | deploy) ;;
  *) fail "role kind '${KIND:-}' is not one of: preview, deploy" ;;
esac
[[ "${PROJECT:-}" =~ ^[a-z][a-z0-9-]*$ ]] || fail "project '${PROJECT:-}' is not a project name (lowercase letters, digits and dashes)"

account="${!secret:-}"
[ -n "$account" ] || fail "the repository secret $secret is not set, so the $STAGE stage has no AWS account: set it to the 12-digit id of the $STAGE account (Settings > Secrets and variables > Actions)"
[[ "$account" =~ ^[0-9]{12}$ ]] || fail "the repository secret $secret must be a 12-digit AWS account id (it has ${#account} characters)"

role="arn:aws:iam::${account}:role/platform/ci-${PROJECT}-${KIND}"
echo "role=$role" >>"${GITHUB_OUTPUT:-/dev/stdout}"
