import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit, type Metrics } from '@aws-lambda-powertools/metrics';
import type { DomainEvent } from '@sharedtech/core';
import type { EventPublisher } from '@sharedtech/services';

/** The `source` of every marketplace event on the bus; rules and the archive match on it. */
export const EVENT_SOURCE = 'sharedtech.marketplace';

/** PutEvents takes at most 10 entries per call. */
const MAX_ENTRIES_PER_CALL = 10;

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  busName: string;
  logger?: Pick<Logger, 'error'>;
  metrics?: Pick<Metrics, 'addMetric'>;
}

/**
 * Puts domain events on the marketplace bus after their change committed:
 * `detail-type` is the event type (`request.approve`), `detail` the event.
 * Entries EventBridge refuses are logged with their error code, counted as the
 * `DomainEventsFailed` metric and reported by throwing once all batches were
 * tried; the caller (applyChange) treats publishing as best effort, since the
 * audit record written in the same transaction is the record of truth.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(private readonly options: EventBridgePublisherOptions) {}

  async publish(events: DomainEvent[]): Promise<void> {
    const { client, busName, logger, metrics } = this.options;
    let failed = 0;
    for (let start = 0; start < events.length; start += MAX_ENTRIES_PER_CALL) {
      const batch = events.slice(start, start + MAX_ENTRIES_PER_CALL);
      const entries: PutEventsRequestEntry[] = batch.map((event) => ({
        EventBusName: busName,
        Source: EVENT_SOURCE,
        DetailType: event.type,
        Time: new Date(event.at),
        Detail: JSON.stringify(event),
      }));
      try {
        const result = await client.send(new PutEventsCommand({ Entries: entries }));
        (result.Entries ?? []).forEach((entry, index) => {
          if (!entry.ErrorCode) return;
          failed += 1;
          logger?.error('EventBridge refused a domain event', { eventType: batch[index]?.type, entity: batch[index]?.entity, errorCode: entry.ErrorCode, errorMessage: entry.ErrorMessage });
        });
      } catch (error) {
        failed += batch.length;
        logger?.error('Publishing domain events failed', { eventTypes: batch.map((event) => event.type), error: error as Error });
      }
    }
    const published = events.length - failed;
    if (published > 0) metrics?.addMetric('DomainEventsPublished', MetricUnit.Count, published);
    if (failed > 0) {
      metrics?.addMetric('DomainEventsFailed', MetricUnit.Count, failed);
      throw new Error(`${failed} of ${events.length} domain events were not published`);
    }
  }
}
