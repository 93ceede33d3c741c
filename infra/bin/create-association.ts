import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createIdGenerator, systemClock, UnauthenticatedError } from '@sharedtech/core';
import { createDb } from '@sharedtech/data';
import { createAssociation } from '@sharedtech/services';

const usage = `Creates an association (moderator powers) in a deployed stage's table; there is no self-service path to it.
  npx tsx infra/bin/create-association.ts --table <TableName> --name "<协会名称>" --owner <sub> [--cluster <slug>] [--region <region>]
Credentials and region come from your AWS CLI environment (profile, SSO or variables).
<sub> is the owner's subject at the stage's identity provider (Cognito or OIDC: the \`sub\` of their token,
also shown by GET /v1/me after they signed in once); the table name is the TableName output of the stage's Stateful stack:
  aws cloudformation describe-stacks --stack-name SharedTech-<stage>-Stateful --query "Stacks[0].Outputs"`;

/** Operator command for a deployed stage: the counterpart of `npm run ops -- create-association` locally. */
async function main() {
  const { values } = parseArgs({
    options: { table: { type: 'string' }, name: { type: 'string' }, owner: { type: 'string' }, cluster: { type: 'string' }, region: { type: 'string' } },
  });
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!values.table || !values.name || !values.owner || !region) {
    console.error(usage);
    process.exit(2);
  }
  const deps = {
    // Cursors are neither made nor read here; a throwaway key keeps createDb's contract.
    db: createDb({ tableName: values.table, region, cursorSecret: randomBytes(32).toString('base64url') }),
    clock: systemClock,
    ids: createIdGenerator(),
    verifyToken: async () => {
      throw new UnauthenticatedError();
    },
  };
  const org = await createAssociation(deps, { name: values.name, ownerSub: values.owner, cluster: values.cluster });
  console.log(`Created association ${org.id} (${org.name}) owned by ${values.owner} in ${values.table}.`);
}

main().catch((error: Error) => {
  console.error(`Failed: ${error.message}`);
  process.exit(1);
});
