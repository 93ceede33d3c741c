import { describe, expect, it } from 'vitest';
import { Match } from 'aws-cdk-lib/assertions';
import { TABLE } from '@sharedtech/data';
import { TABLE_ACTIONS } from '../src/constructs/marketplace-function.js';
import { synthMarketplace } from './synth.js';

const dev = synthMarketplace();
const resources = dev.api.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, any> }>;
const logicalId = (construct: { node: { defaultChild?: unknown } }) => dev.apiStack.getLogicalId(construct.node.defaultChild as never);
const apiFunctionId = logicalId(dev.apiStack.apiFunction);
const jobsFunctionId = logicalId(dev.apiStack.jobsFunction);
const fn = (id: string) => resources[id]!.Properties;
const roleOf = (functionId: string) => fn(functionId).Role['Fn::GetAtt'][0] as string;
const statementsOf = (roleId: string) =>
  Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy' && resource.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
const actions = (statement: { Action: string | string[] }) => [statement.Action].flat();

describe('API stack: functions', () => {
  it.each([
    ['api', apiFunctionId],
    ['jobs', jobsFunctionId],
  ])('runs the %s function on Node 22, ARM64, with tracing, JSON logs in its own log group and source maps', (_name, id) => {
    expect(fn(id)).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: { LogFormat: 'JSON', ApplicationLogLevel: 'DEBUG', SystemLogLevel: 'INFO', LogGroup: { Ref: expect.any(String) } },
    });
    expect(fn(id).Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    const logGroup = resources[fn(id).LoggingConfig.LogGroup.Ref]!;
    expect(logGroup.Properties.RetentionInDays).toBe(14);
  });

  it('configures each function from the environment: table, cursor secret, bus, Powertools, stage', () => {
    for (const [id, service] of [
      [apiFunctionId, 'marketplace-api'],
      [jobsFunctionId, 'marketplace-jobs'],
    ] as const) {
      expect(fn(id).Environment.Variables).toMatchObject({
        STAGE: 'dev',
        TABLE_NAME: { 'Fn::ImportValue': expect.stringContaining('Marketplace') },
        CURSOR_SECRET_ARN: { 'Fn::ImportValue': expect.stringContaining('CursorSigningKey') },
        EVENT_BUS_NAME: { Ref: expect.stringMatching(/^DomainEvents/) },
        POWERTOOLS_SERVICE_NAME: service,
        POWERTOOLS_METRICS_NAMESPACE: 'SharedTechMarketplace',
        POWERTOOLS_LOG_LEVEL: 'DEBUG',
      });
    }
    // Only the API verifies tokens: the pool's issuer URL and the web client id; and it knows the hosted sign-in domain.
    expect(fn(apiFunctionId).Environment.Variables).toMatchObject({
      JWT_ISSUER: { 'Fn::ImportValue': expect.stringContaining('ProviderURL') },
      JWT_AUDIENCE: { Ref: expect.stringMatching(/^WebClient/) },
      AUTH_BASE_URL: { 'Fn::Join': ['', expect.arrayContaining([expect.objectContaining({ 'Fn::ImportValue': expect.stringContaining('HostedSignIn') })])] },
    });
    expect(fn(jobsFunctionId).Environment.Variables.JWT_ISSUER).toBeUndefined();
  });

  it('grants least privilege: item actions on the table and its named indexes, one secret, one bus, own logs', () => {
    for (const id of [apiFunctionId, jobsFunctionId]) {
      // Prepare
      const roleId = roleOf(id);
      const statements = statementsOf(roleId);

      // Assess
      expect(resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
      const table = statements.filter((statement) => actions(statement).some((action) => action.startsWith('dynamodb:')));
      expect(table).toHaveLength(1);
      expect(actions(table[0]!).sort()).toEqual([...TABLE_ACTIONS.RW].sort());
      expect(JSON.stringify(table[0]!.Resource)).not.toContain('*');
      for (const index of TABLE.globalIndexes) expect(JSON.stringify(table[0]!.Resource)).toContain(`/index/${index.indexName}`);
      expect(statements.flatMap(actions)).not.toContain('dynamodb:Scan');

      const wildcard = statements.filter((statement) => statement.Resource === '*');
      expect(wildcard.flatMap(actions).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      expect(statements).toContainEqual(expect.objectContaining({ Action: 'events:PutEvents', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DomainEvents/), 'Arn'] } }));
      expect(statements).toContainEqual(
        expect.objectContaining({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { 'Fn::ImportValue': expect.stringContaining('CursorSigningKey') } }),
      );
      expect(statements).toContainEqual({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [fn(id).LoggingConfig.LogGroup.Ref, 'Arn'] } });
    }
  });

  it('read-only binding grants reads only', () => {
    expect(TABLE_ACTIONS.RO.every((action) => /:(Get|BatchGet|Query|ConditionCheck)/.test(action))).toBe(true);
    expect(TABLE_ACTIONS.RW).toEqual(expect.arrayContaining([...TABLE_ACTIONS.RO]));
  });
});

describe('API stack: HTTP API', () => {
  const api = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api')!;

  it('gives the web pages a public client that signs in through the hosted UI with the code flow, back to this API', () => {
    const client = Object.values(resources).find((resource) => resource.Type === 'AWS::Cognito::UserPoolClient')!;
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain('/auth/callback');
    expect(JSON.stringify(client.Properties.CallbackURLs)).toContain('HttpApi');
  });

  it('authorises every /v1 route with a JWT authorizer on the user pool issuer and web client', () => {
    // Prepare
    const authorizer = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Authorizer')!;
    const routes = Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Route');
    const versioned = routes.filter((route) => route.Properties.RouteKey.endsWith(' /v1/{proxy+}'));

    // Assess
    expect(authorizer[1].Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::ImportValue': expect.stringContaining('ProviderURL') },
        Audience: [{ Ref: expect.stringMatching(/^WebClient/) }],
      },
    });
    // The function's JWT_AUDIENCE is the same client: API Gateway and the app accept the same tokens.
    expect(authorizer[1].Properties.JwtConfiguration.Audience[0]).toEqual(fn(apiFunctionId).Environment.Variables.JWT_AUDIENCE);
    // The function's JWT_ISSUER is the same export: API Gateway and the app trust the same issuer.
    expect(authorizer[1].Properties.JwtConfiguration.Issuer).toEqual(fn(apiFunctionId).Environment.Variables.JWT_ISSUER);
    expect(versioned.map((route) => route.Properties.RouteKey.split(' ')[0]).sort()).toEqual(['DELETE', 'GET', 'PATCH', 'POST', 'PUT']);
    for (const route of versioned) expect(route.Properties).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizer[0] } });
    // Everything else (health, OpenAPI, docs, pages) is public.
    expect(routes.filter((route) => route.Properties.AuthorizationType !== 'JWT').map((route) => route.Properties.RouteKey)).toEqual(['$default']);
  });

  it('integrates every route with the API function, payload format 2.0', () => {
    const integrations = Object.values(resources).filter((resource) => resource.Type === 'AWS::ApiGatewayV2::Integration');
    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({ IntegrationType: 'AWS_PROXY', PayloadFormatVersion: '2.0', IntegrationUri: { 'Fn::GetAtt': [apiFunctionId, 'Arn'] } });
    }
  });

  it('throttles the stage and writes JSON access logs with the request id', () => {
    const stage = Object.values(resources).find((resource) => resource.Type === 'AWS::ApiGatewayV2::Stage')!;
    expect(stage.Properties).toMatchObject({
      ApiId: { Ref: api[0] },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
      AccessLogSettings: { DestinationArn: { 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] } },
    });
    expect(JSON.parse(stage.Properties.AccessLogSettings.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('configures CORS from the stage settings, and none when a stage allows no origin', () => {
    expect(api[1].Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['http://localhost:3000'],
      AllowHeaders: ['authorization', 'content-type', 'idempotency-key'],
      AllowMethods: expect.arrayContaining(['GET', 'POST', 'PATCH', 'OPTIONS']),
    });
    const prod = synthMarketplace({ stage: 'prod' });
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 } });
  });
});

describe('API stack: events and schedule', () => {
  it('has a domain-event bus with a one-year archive of marketplace events', () => {
    dev.api.resourceCountIs('AWS::Events::EventBus', 1);
    dev.api.hasResourceProperties('AWS::Events::Archive', {
      EventPattern: { source: ['sharedtech.marketplace'] },
      RetentionDays: 365,
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DomainEvents'), 'Arn'] },
    });
  });

  it('runs the jobs function on an EventBridge schedule, without piling up retries', () => {
    dev.api.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [jobsFunctionId, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    dev.api.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: jobsFunctionId }, MaximumRetryAttempts: 0 });
    expect(synthMarketplace({ stages: { dev: { jobsEveryMinutes: 1 } } }).api.toJSON().Resources).toSatisfy((all: Record<string, any>) =>
      Object.values(all).some((resource) => resource.Type === 'AWS::Scheduler::Schedule' && resource.Properties.ScheduleExpression === 'rate(1 minute)'),
    );
  });
});

describe('API stack: alarms', () => {
  const alarms = Object.values(resources).filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm');
  const metricNames = (alarm: { Properties: Record<string, any> }) =>
    alarm.Properties.MetricName ? [alarm.Properties.MetricName] : alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName);

  it('alarms on API 5xx rate, function errors and throttles, table throttles and failed job items', () => {
    expect(alarms.map(metricNames).sort()).toEqual(
      [['5xx', 'Count'], ['Errors'], ['Errors'], ['Throttles'], ['Throttles'], ['ReadThrottleEvents', 'WriteThrottleEvents'], ['JobItemFailures']].sort(),
    );
    const rate = alarms.find((alarm) => metricNames(alarm).includes('5xx'))!;
    expect(rate.Properties).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(rate.Properties.Metrics.find((m: any) => m.Expression).Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    const jobItems = alarms.find((alarm) => metricNames(alarm).includes('JobItemFailures'))!;
    expect(jobItems.Properties).toMatchObject({ Namespace: 'SharedTechMarketplace', Dimensions: [{ Name: 'service', Value: 'marketplace-jobs' }] });
  });

  it('notifies one SNS topic, which only accepts TLS, on alarm and on recovery', () => {
    const topicId = Object.entries(resources).find(([, resource]) => resource.Type === 'AWS::SNS::Topic')![0];
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
    }
    dev.api.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    dev.api.resourceCountIs('AWS::SNS::Subscription', 0);
    synthMarketplace({ stages: { dev: { alarmEmail: 'ops@example.org' } } }).api.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });

  it('outputs what a client and an operator need', () => {
    for (const output of ['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'EventBusName', 'AlarmTopicArn']) dev.api.hasOutput(output, {});
  });
});
