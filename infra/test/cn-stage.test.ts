import { describe, expect, it } from 'vitest';
import { App, Validations } from 'aws-cdk-lib';
import { stageFromContext } from '../src/settings.js';
import { CDK_JSON_CONTEXT, onlyResource, synthMarketplace } from './synth.js';

const cn = synthMarketplace({ stage: 'cn' });
const cnSettings = (CDK_JSON_CONTEXT.stages as Record<string, any>).cn;
const apiResources = cn.api.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const apiFunction = apiResources[cn.apiStack.getLogicalId(cn.apiStack.apiFunction.node.defaultChild as never)]!.Properties;
const stageOf = (settings: Record<string, unknown>) => stageFromContext(new App({ context: { stage: 'qa', stages: { qa: settings } } }).node);

const chinaStage = {
  region: 'cn-northwest-1',
  identity: { provider: 'oidc', issuer: 'https://id.example.cn/realms/sharedtech', clientId: 'sharedtech-marketplace' },
  domain: { name: 'market.example.cn' },
  icpRecordNumber: '宁ICP备12345678号-1',
};

describe('the China stage (-c stage=cn)', () => {
  it('is bound to a China region and the aws-cn partition', () => {
    expect(cn.statefulStack.region).toBe('cn-north-1');
    expect(cn.apiStack.region).toBe('cn-north-1');
    const text = JSON.stringify(cn.api.toJSON()) + JSON.stringify(cn.stateful.toJSON());
    expect(text).toContain('arn:aws-cn:');
    expect(text).not.toMatch(/arn:aws:/);
  });

  it('has no Cognito resource in either stack', () => {
    for (const template of [cn.stateful, cn.api]) {
      expect(Object.values(template.toJSON().Resources as Record<string, { Type: string }>).filter((resource) => resource.Type.startsWith('AWS::Cognito::'))).toEqual([]);
    }
  });

  it('authorises /v1 with a JWT authorizer on the OIDC issuer and client, the values the function verifies again', () => {
    const authorizer = onlyResource(cn.api, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: cnSettings.identity.issuer, Audience: [cnSettings.identity.clientId] },
    });
    expect(apiFunction.Environment.Variables).toMatchObject({
      IDENTITY_PROVIDER: 'oidc',
      JWT_ISSUER: cnSettings.identity.issuer,
      JWT_AUDIENCE: cnSettings.identity.clientId,
      ICP_RECORD_NUMBER: cnSettings.icpRecordNumber,
    });
    expect(apiFunction.Environment.Variables.AUTH_BASE_URL).toBeUndefined();
    const versioned = Object.values(apiResources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route' && resource.Properties.RouteKey.endsWith(' /v1/{proxy+}'));
    expect(versioned).toHaveLength(5);
    for (const route of versioned) expect(route.Properties.AuthorizationType).toBe('JWT');
  });

  it('is reached only through its custom domain: execute-api endpoint disabled, the domain mapped to the stage with its certificate', () => {
    expect(onlyResource(cn.api, 'AWS::ApiGatewayV2::Api').Properties.DisableExecuteApiEndpoint).toBe(true);
    const domain = onlyResource(cn.api, 'AWS::ApiGatewayV2::DomainName');
    const certificate = onlyResource(cn.api, 'AWS::CertificateManager::Certificate');
    expect(domain.Properties).toEqual({
      DomainName: 'market.example.cn',
      DomainNameConfigurations: [{ CertificateArn: { Ref: certificate.logicalId }, EndpointType: 'REGIONAL' }],
    });
    expect(certificate.Properties).toMatchObject({ DomainName: 'market.example.cn', ValidationMethod: 'DNS' });
    expect(onlyResource(cn.api, 'AWS::ApiGatewayV2::ApiMapping').Properties).toMatchObject({ DomainName: { Ref: domain.logicalId }, Stage: '$default' });
    cn.api.hasOutput('ApiUrl', { Value: 'https://market.example.cn/' });
    cn.api.hasOutput('DomainTarget', { Value: { 'Fn::GetAtt': [domain.logicalId, 'RegionalDomainName'] } });
  });

  it('uses an imported certificate when settings name one, and grants the API function the OIDC client secret', () => {
    // Prepare
    const certificateArn = 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';
    const clientSecretArn = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:sharedtech/oidc-client-AbCdEf';
    const stages = { cn: { ...cnSettings, domain: { name: 'market.example.cn', certificateArn }, identity: { ...cnSettings.identity, clientSecretArn, tokenEndpointAuthMethod: 'client_secret_post' } } };

    // Act
    const withImports = synthMarketplace({ stage: 'cn', stages });
    const resources = withImports.api.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;

    // Assess
    withImports.api.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(onlyResource(withImports.api, 'AWS::ApiGatewayV2::DomainName').Properties.DomainNameConfigurations[0].CertificateArn).toBe(certificateArn);
    const fn = resources[withImports.apiStack.getLogicalId(withImports.apiStack.apiFunction.node.defaultChild as never)]!.Properties;
    expect(fn.Environment.Variables).toMatchObject({ OIDC_CLIENT_SECRET_ARN: clientSecretArn, OIDC_TOKEN_AUTH_METHOD: 'client_secret_post' });
    const statements = Object.values(resources)
      .filter((resource) => resource.Type === 'AWS::IAM::Policy')
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[]);
    // minimizePolicies merges it with the cursor secret's statement: the same two read actions, one more resource.
    const reads = statements.filter((statement) => [statement.Resource].flat().includes(clientSecretArn));
    expect(reads.map((statement) => statement.Action)).toEqual([['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']]);
  });

  it('acknowledges no Cognito finding (there is no user pool) and keeps every acknowledgement reasoned', () => {
    const ids = cn.app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY).flatMap((entry) => Object.keys(entry.data as object)));
    expect(ids.filter((id) => id.includes('COG'))).toEqual([]);
  });
});

describe('stage settings for identity, domain and the China regions', () => {
  it('accepts a China stage with OIDC, a custom domain and an ICP number', () => {
    expect(stageOf(chinaStage).settings).toMatchObject({ region: 'cn-northwest-1', identity: { provider: 'oidc' }, domain: { name: 'market.example.cn' } });
  });

  it('keeps Cognito, no domain and no pinned region as the defaults', () => {
    expect(stageOf({}).settings).toMatchObject({ identity: { provider: 'cognito' } });
    expect(stageOf({}).settings.region).toBeUndefined();
    expect(stageOf({}).settings.domain).toBeUndefined();
  });

  it.each([
    [{ ...chinaStage, identity: { provider: 'cognito' } }, /identity\.provider: must be "oidc" in the China regions/],
    [{ ...chinaStage, domain: undefined }, /domain: is required in the China regions/],
    [{ ...chinaStage, icpRecordNumber: undefined }, /icpRecordNumber: is required in the China regions/],
    [{ ...chinaStage, icpRecordNumber: 'ICP 12345' }, /icpRecordNumber: must be an ICP recordal number/],
    [{ ...chinaStage, identity: { ...chinaStage.identity, issuer: 'http://id.example.cn' } }, /identity\.issuer: must be an https URL/],
    [{ ...chinaStage, identity: { ...chinaStage.identity, clientSecretArn: 'my-secret' } }, /identity\.clientSecretArn: must be the full ARN/],
    [{ ...chinaStage, domain: { name: 'Market.Example.CN' } }, /domain\.name: must be a lower-case DNS name/],
    [{ ...chinaStage, domain: { name: 'market.example.cn', certificateArn: 'arn:aws-cn:iam::123456789012:server-certificate/x' } }, /domain\.certificateArn/],
    [{ ...chinaStage, cognitoThreatProtection: true }, /cognitoThreatProtection: applies to Cognito only/],
    [{ region: 'mars-1' }, /region: must be a region name/],
  ])('refuses malformed settings %#', (settings, message) => {
    expect(() => stageOf(settings)).toThrow(message);
  });
});
