/**
 * What every state change leaves behind: an append-only audit record and the
 * notifications for the parties it concerns. They are produced together with the
 * new state so one atomic write can persist all three.
 */
export interface EntityRef {
  type:
    | 'organisation' | 'request' | 'bid' | 'contract' | 'milestone' | 'dispute' | 'question' | 'review' | 'invitation' | 'appointment' | 'resource' | 'booking'
    | 'attachment' | 'person' | 'participation' | 'studentRecord' | 'programme' | 'application';
  id: string;
}

export const entityRefKey = (ref: EntityRef) => `${ref.type}:${ref.id}`;

export interface AuditRecord {
  id: string;
  entity: EntityRef;
  action: string;
  actor: { sub: string; orgId?: string };
  before?: string;
  after?: string;
  at: string;
  details?: Record<string, unknown>;
}

/** The inbox of an organisation, or the shared inbox of all associations (the moderators). */
export type Recipient = { orgId: string } | { associations: true };

export interface Notification {
  id: string;
  recipient: Recipient;
  type: string;
  entity: EntityRef;
  params: Record<string, string | number>;
  at: string;
}

export interface DomainEvent {
  type: string;
  entity: EntityRef;
  at: string;
  data: Record<string, unknown>;
}
