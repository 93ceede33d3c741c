import { describe, expect, it, vi } from 'vitest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import type { DomainEvent } from '@sharedtech/core';
import { EVENT_SOURCE, EventBridgePublisher } from '@sharedtech/functions/commons/event-publisher';

const event = (n: number): DomainEvent => ({
  type: 'request.approve',
  entity: { type: 'request', id: `req_${String(n).padStart(26, '0')}` },
  at: '2026-05-01T08:00:00.000Z',
  data: { before: 'SUBMITTED', after: 'OPEN', actor: { sub: 'demo-association' } },
});

/** A publisher over a mocked client, with a logger and metrics that record what they were given. */
function setup() {
  const client = new EventBridgeClient({ region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const eventBridge = mockClient(client);
  const logger = { error: vi.fn() };
  const metrics = { addMetric: vi.fn() };
  const publisher = new EventBridgePublisher({ client, busName: 'marketplace-bus', logger, metrics });
  return { eventBridge, logger, metrics, publisher };
}

describe('EventBridgePublisher', () => {
  it('puts each event on the bus with the marketplace source, its type as detail-type and itself as detail', async () => {
    // Prepare
    const { eventBridge, metrics, publisher } = setup();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });

    // Act
    await publisher.publish([event(1)]);

    // Assess
    const [call] = eventBridge.commandCalls(PutEventsCommand);
    expect(call!.args[0].input.Entries).toEqual([
      { EventBusName: 'marketplace-bus', Source: EVENT_SOURCE, DetailType: 'request.approve', Time: new Date('2026-05-01T08:00:00.000Z'), Detail: JSON.stringify(event(1)) },
    ]);
    expect(metrics.addMetric).toHaveBeenCalledWith('DomainEventsPublished', 'Count', 1);
  });

  it('sends at most ten entries per call, as PutEvents requires', async () => {
    const { eventBridge, publisher } = setup();
    eventBridge.on(PutEventsCommand).callsFake((input) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));

    await publisher.publish(Array.from({ length: 23 }, (_, n) => event(n)));

    expect(eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries!.length)).toEqual([10, 10, 3]);
  });

  it('publishes nothing for no events', async () => {
    const { eventBridge, metrics, publisher } = setup();
    await publisher.publish([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(metrics.addMetric).not.toHaveBeenCalled();
  });

  it('logs and counts entries EventBridge refused, tries the other batches, then reports the failure', async () => {
    // Prepare
    const { eventBridge, logger, metrics, publisher } = setup();
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }, ...Array.from({ length: 8 }, () => ({ EventId: 'b' }))] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c' }] });

    // Act
    const outcome = publisher.publish(Array.from({ length: 11 }, (_, n) => event(n)));

    // Assess
    await expect(outcome).rejects.toThrow('1 of 11 domain events were not published');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(2);
    expect(logger.error).toHaveBeenCalledWith('EventBridge refused a domain event', expect.objectContaining({ errorCode: 'ThrottlingException', entity: event(1).entity }));
    expect(metrics.addMetric).toHaveBeenCalledWith('DomainEventsPublished', 'Count', 10);
    expect(metrics.addMetric).toHaveBeenCalledWith('DomainEventsFailed', 'Count', 1);
  });

  it('counts a whole batch as failed when the call itself fails', async () => {
    const { eventBridge, logger, metrics, publisher } = setup();
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));

    await expect(publisher.publish([event(1), event(2)])).rejects.toThrow('2 of 2 domain events were not published');
    expect(logger.error).toHaveBeenCalledWith('Publishing domain events failed', expect.objectContaining({ eventTypes: ['request.approve', 'request.approve'] }));
    expect(metrics.addMetric).toHaveBeenCalledWith('DomainEventsFailed', 'Count', 2);
    expect(metrics.addMetric).not.toHaveBeenCalledWith('DomainEventsPublished', expect.anything(), expect.anything());
  });
});
