import { CfnOutput, Duration, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type UserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '@sharedtech/functions/commons/event-publisher';
import { API_BUNDLED_FILES, FUNCTION_ENTRIES } from '../bundling.js';
import { MarketplaceFunction } from '../constructs/marketplace-function.js';
import { Monitoring } from '../constructs/monitoring.js';
import type { Stage } from '../settings.js';

export interface ApiStackProps extends StackProps {
  stage: Stage;
  table: ITable;
  userPool: UserPool;
  signInDomain: UserPoolDomain;
  cursorSecret: ISecret;
}

export const METRICS_NAMESPACE = 'SharedTechMarketplace';
export const SERVICE_NAMES = { api: 'marketplace-api', jobs: 'marketplace-jobs' } as const;

/** Methods the versioned API answers; OPTIONS stays with API Gateway's CORS preflight. */
const API_METHODS = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];

/**
 * The stateless part: the two functions, the HTTP API in front of the API
 * function, the domain-event bus, the jobs schedule and the alarms. It can be
 * destroyed and redeployed at will; data lives in the stateful stack.
 */
export class ApiStack extends Stack {
  readonly api: HttpApi;
  readonly apiFunction: MarketplaceFunction;
  readonly jobsFunction: MarketplaceFunction;
  readonly bus: EventBus;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage, table, userPool, signInDomain, cursorSecret } = props;
    const { settings } = stage;
    const common = { stage: stage.name, metricsNamespace: METRICS_NAMESPACE, logRetention: settings.logRetentionDays, logLevel: settings.logLevel };

    // Domain events (`request.approve`, …) after each committed change; the
    // archive keeps them a year so a consumer added later can replay history.
    this.bus = new EventBus(this, 'DomainEvents', { description: 'SharedTech Marketplace domain events' });
    this.bus.archive('DomainEventArchive', {
      description: 'Every marketplace domain event, for replay into new consumers',
      eventPattern: { source: [EVENT_SOURCE] },
      retention: Duration.days(365),
    });

    this.apiFunction = new MarketplaceFunction(this, 'ApiFunction', {
      ...common,
      description: 'SharedTech Marketplace HTTP API (Hono app behind API Gateway)',
      entry: FUNCTION_ENTRIES.api,
      bundledFiles: API_BUNDLED_FILES,
      serviceName: SERVICE_NAMES.api,
      memorySize: settings.apiMemoryMb,
      timeout: Duration.seconds(15),
      environment: { JWT_ISSUER: userPool.userPoolProviderUrl, AUTH_BASE_URL: signInDomain.baseUrl() },
    })
      .bindTable({ table, accessMode: 'RW' })
      .bindCursorSecret(cursorSecret)
      .bindEventBus(this.bus);

    this.jobsFunction = new MarketplaceFunction(this, 'JobsFunction', {
      ...common,
      description: 'SharedTech Marketplace scheduled jobs (deadline closing, automatic release)',
      entry: FUNCTION_ENTRIES.jobs,
      serviceName: SERVICE_NAMES.jobs,
      memorySize: settings.jobsMemoryMb,
      timeout: Duration.minutes(2),
      // Each run is idempotent and the next one is minutes away: no async retries piling up.
      retryAttempts: 0,
    })
      .bindTable({ table, accessMode: 'RW' })
      .bindCursorSecret(cursorSecret)
      .bindEventBus(this.bus);

    this.api = new HttpApi(this, 'HttpApi', {
      description: `SharedTech Marketplace API (${stage.name})`,
      createDefaultStage: false,
      // Health, OpenAPI document, docs and web pages are public; the app itself
      // still authenticates every /v1 call it receives.
      defaultIntegration: new HttpLambdaIntegration('PublicRoutes', this.apiFunction),
      corsPreflight: settings.corsAllowOrigins.length
        ? {
            allowOrigins: settings.corsAllowOrigins,
            allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.PUT, CorsHttpMethod.PATCH, CorsHttpMethod.DELETE, CorsHttpMethod.OPTIONS],
            allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
            exposeHeaders: ['x-request-id', 'retry-after'],
            maxAge: Duration.hours(1),
          }
        : undefined,
    });
    // The web pages' app client: a public client (no secret) signing people in through the hosted UI with
    // the authorization code and PKCE, redeemed by the function at /auth/callback on this API's own address.
    const siteUrl = this.api.apiEndpoint;
    const userPoolClient = new UserPoolClient(this, 'WebClient', {
      userPool,
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [`${siteUrl}/auth/callback`],
        logoutUrls: [`${siteUrl}/signin`],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.apiFunction.addEnvironment('JWT_AUDIENCE', userPoolClient.userPoolClientId);

    // A JWT authorizer on the pool's own issuer URL (CloudFormation's ProviderURL,
    // right for every partition, aws-cn included) and app client: the very values
    // the function verifies again with JWT_ISSUER and JWT_AUDIENCE.
    const authorizer = new HttpJwtAuthorizer('CognitoAuthorizer', userPool.userPoolProviderUrl, {
      jwtAudience: [userPoolClient.userPoolClientId],
    });
    this.api.addRoutes({
      path: '/v1/{proxy+}',
      methods: API_METHODS,
      integration: new HttpLambdaIntegration('VersionedApi', this.apiFunction),
      authorizer,
    });
    const defaultRoute = this.api.node.tryFindChild('DefaultRoute');
    if (defaultRoute) {
      Validations.of(defaultRoute).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'The $default route serves only public content: /health, /openapi.json, /docs and the web pages. Every /v1 route has the Cognito JWT authorizer, and the app verifies the token again and loads the caller from the database.',
      });
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: settings.logRetentionDays });
    const httpStage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });

    // EventBridge Scheduler invokes the jobs; a missed tick is covered by the next.
    new Schedule(this, 'JobsSchedule', {
      description: 'Runs the marketplace scheduled jobs',
      schedule: ScheduleExpression.rate(Duration.minutes(settings.jobsEveryMinutes)),
      target: new LambdaInvoke(this.jobsFunction, {
        input: ScheduleTargetInput.fromObject({ source: 'sharedtech.scheduler', job: 'all' }),
        retryAttempts: 0,
        maxEventAge: Duration.minutes(settings.jobsEveryMinutes),
      }),
    });

    const jobsLogicalId = this.getLogicalId(this.jobsFunction.node.defaultChild as CfnElement);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${jobsLogicalId}.Arn>:*]`,
      reason:
        'The scheduler role may invoke the jobs function and its versions/aliases (`<arn>:*`), nothing else; the wildcard is the qualifier of that one function, added by the LambdaInvoke target.',
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      api: this.api,
      functions: { Api: this.apiFunction, Jobs: this.jobsFunction },
      table,
      api5xxRatePercent: settings.api5xxRatePercent,
      metricsNamespace: METRICS_NAMESPACE,
      jobsServiceName: SERVICE_NAMES.jobs,
      alarmEmail: settings.alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: httpStage.url, description: 'Base URL of the marketplace API' });
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
  }
}
