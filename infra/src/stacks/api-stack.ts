import { CfnOutput, Duration, Fn, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { Certificate, CertificateValidation, type ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { ApiMapping, CorsHttpMethod, DomainName, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { OAuthScope, UserPoolClient, UserPoolClientIdentityProvider, type UserPool, type UserPoolDomain } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '@sharedtech/functions/commons/event-publisher';
import { API_BUNDLED_FILES, FUNCTION_ENTRIES } from '../bundling.js';
import { MarketplaceFunction } from '../constructs/marketplace-function.js';
import { Monitoring } from '../constructs/monitoring.js';
import type { Stage } from '../settings.js';

export interface ApiStackProps extends StackProps {
  stage: Stage;
  table: ITable;
  /** The stage's user pool and hosted sign-in domain, when its identity provider is Cognito. */
  userPool?: UserPool;
  signInDomain?: UserPoolDomain;
  cursorSecret: ISecret;
  /** The export (stateful stack) holding the attachment files bucket's ARN. */
  attachmentBucketExport?: string;
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
  /** The site's custom domain, when the stage has one (then the only way in). */
  readonly domainName?: DomainName;
  /** The issuer and client id API Gateway and the function both trust. */
  readonly identity: { issuer: string; audience: string };

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { stage, table, cursorSecret } = props;
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
      environment: settings.icpRecordNumber ? { ICP_RECORD_NUMBER: settings.icpRecordNumber } : {},
    })
      .bindTable({ table, accessMode: 'RW' })
      .bindCursorSecret(cursorSecret)
      .bindEventBus(this.bus);
    if (props.attachmentBucketExport) {
      const bucket = Bucket.fromBucketArn(this, 'AttachmentBucket', Fn.importValue(props.attachmentBucketExport));
      this.apiFunction.bindAttachmentBucket(bucket);
      Validations.of(this.apiFunction.role!).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${props.attachmentBucketExport}/attachments/*]`,
        reason:
          'Attachment objects are created at run time under one prefix (attachments/<attachment id>), so the grant names the prefix of one bucket: put, tag, read and delete objects there, nothing on the bucket itself and nothing elsewhere.',
      });
    }

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

    // The site's own domain, with its certificate; when set it is the only way in (in mainland China an
    // ICP-recorded domain is the only address API Gateway may serve the public on).
    if (settings.domain) {
      const certificate: ICertificate = settings.domain.certificateArn
        ? Certificate.fromCertificateArn(this, 'DomainCertificate', settings.domain.certificateArn)
        : new Certificate(this, 'DomainCertificate', { domainName: settings.domain.name, validation: CertificateValidation.fromDns() });
      this.domainName = new DomainName(this, 'SiteDomain', { domainName: settings.domain.name, certificate });
    }

    this.api = new HttpApi(this, 'HttpApi', {
      description: `SharedTech Marketplace API (${stage.name})`,
      createDefaultStage: false,
      disableExecuteApiEndpoint: this.domainName !== undefined,
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
    // Where people reach the site: sign-in comes back to `<site>/auth/callback`, sign-out to `<site>/signin`.
    const siteUrl = settings.domain ? `https://${settings.domain.name}` : this.api.apiEndpoint;

    this.identity = settings.identity.provider === 'cognito' ? this.cognitoIdentity(props, siteUrl) : this.oidcIdentity(settings.identity);
    this.apiFunction.addEnvironment('JWT_ISSUER', this.identity.issuer);
    this.apiFunction.addEnvironment('JWT_AUDIENCE', this.identity.audience);

    // A JWT authorizer on the very issuer and audience the function verifies again with JWT_ISSUER and
    // JWT_AUDIENCE (for Cognito, the pool's ProviderURL: right for every partition).
    const authorizer = new HttpJwtAuthorizer(settings.identity.provider === 'cognito' ? 'CognitoAuthorizer' : 'OidcAuthorizer', this.identity.issuer, {
      jwtAudience: [this.identity.audience],
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
          'The $default route serves only public content: /health, /openapi.json, /docs and the web pages. Every /v1 route has the JWT authorizer of the stage\'s identity provider, and the app verifies the token again and loads the caller from the database.',
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

    if (this.domainName) new ApiMapping(this, 'SiteDomainMapping', { api: this.api, domainName: this.domainName, stage: httpStage });

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

    new CfnOutput(this, 'ApiUrl', { value: this.domainName ? `${siteUrl}/` : httpStage.url, description: 'Base URL of the marketplace API and web pages' });
    if (this.domainName) {
      new CfnOutput(this, 'DomainTarget', {
        value: this.domainName.regionalDomainName,
        description: `DNS: a CNAME from ${settings.domain!.name} to this name`,
      });
    }
    new CfnOutput(this, 'IdentityIssuer', { value: this.identity.issuer, description: 'Issuer of the tokens the API accepts' });
    new CfnOutput(this, 'IdentityClientId', { value: this.identity.audience, description: 'Client id (audience) of the tokens the API accepts' });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
  }

  /**
   * Cognito: the web pages' app client in the stage's pool, a public client (no secret) signing people in
   * through the hosted UI with the authorization code and PKCE, redeemed by the function at /auth/callback.
   */
  private cognitoIdentity(props: ApiStackProps, siteUrl: string) {
    const { userPool, signInDomain } = props;
    if (!userPool || !signInDomain) throw new Error(`Stage ${props.stage.name} signs in with Cognito but has no user pool`);
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
    this.apiFunction.addEnvironment('AUTH_BASE_URL', signInDomain.baseUrl());
    new CfnOutput(this, 'UserPoolId', { value: userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: userPoolClient.userPoolClientId });
    return { issuer: userPool.userPoolProviderUrl, audience: userPoolClient.userPoolClientId };
  }

  /**
   * Any OpenID Provider: the client is registered there (see the README's "Deploying" section); the function discovers the
   * endpoints from the issuer and, for a confidential client, reads its secret from Secrets Manager.
   */
  private oidcIdentity(identity: Extract<Stage['settings']['identity'], { provider: 'oidc' }>) {
    this.apiFunction.addEnvironment('IDENTITY_PROVIDER', 'oidc');
    if (identity.clientSecretArn) {
      const clientSecret = Secret.fromSecretCompleteArn(this, 'OidcClientSecret', identity.clientSecretArn);
      clientSecret.grantRead(this.apiFunction);
      this.apiFunction.addEnvironment('OIDC_CLIENT_SECRET_ARN', identity.clientSecretArn);
    }
    if (identity.tokenEndpointAuthMethod) this.apiFunction.addEnvironment('OIDC_TOKEN_AUTH_METHOD', identity.tokenEndpointAuthMethod);
    return { issuer: identity.issuer, audience: identity.clientId };
  }
}
