import type { Clock, DomainEvent, IdGenerator } from '@sharedtech/core';
import type { Db } from '@sharedtech/data';

/** Publishes domain events after their change has committed (EventBridge when deployed). */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

/** What the use cases need from the outside world: the table, the clock, id generation and where events go. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  publisher?: EventPublisher;
}
