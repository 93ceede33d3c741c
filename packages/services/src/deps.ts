import type { Clock, DomainEvent, IdGenerator } from '@sharedtech/core';
import { sharingReads, type Db } from '@sharedtech/data';

/** Publishes domain events after their change has committed (EventBridge when deployed). */
export interface EventPublisher {
  publish(events: DomainEvent[]): Promise<void>;
}

/** An object in the attachment storage, as it was declared. */
export interface StoredObject {
  key: string;
  /** The file name shown to people (downloads are named so). */
  name: string;
  contentType: string;
  size: number;
  /** Lower-case hex SHA-256 of the content. */
  sha256: string;
}

/** Where and how a client puts the declared bytes: one PUT with these headers, before `expiresAt`. */
export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

/**
 * The storage port for attachment bytes. Deployed: an S3 bucket with presigned
 * URLs; locally: files under DATA_DIR behind signed, expiring URLs that
 * `npm start` serves. URLs may be relative to the app's own origin.
 */
export interface AttachmentStorage {
  /** A URL that accepts exactly the declared object (length, type and checksum where the storage can hold it to them). */
  uploadTarget(object: StoredObject, expiresInSeconds: number): Promise<UploadTarget>;
  /** A short-lived URL that downloads the object as a file with its name. */
  downloadUrl(object: StoredObject, expiresInSeconds: number): Promise<string>;
  /** Size and SHA-256 (hex) of what is stored under the key; undefined when nothing is. */
  inspect(key: string): Promise<{ size: number; sha256: string } | undefined>;
  /** Stores bytes the server received itself (the pages' plain upload form). */
  put(object: StoredObject, body: Uint8Array): Promise<void>;
  /** The object now counts: the storage stops treating it as an abandoned upload. */
  confirm(key: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** What the use cases need from the outside world: the table, the clock, id generation and where events go. */
export interface ServiceDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
  publisher?: EventPublisher;
  /** Where attachment bytes live; without it, attachments are unavailable (503). */
  storage?: AttachmentStorage;
}

/**
 * The deps for one page: the use cases it calls each check the caller against
 * the same request or contract, and share one eventually consistent read of
 * each item instead of reading it again (see sharingReads).
 */
export const forOnePage = <D extends ServiceDeps>(deps: D): D => ({ ...deps, db: sharingReads(deps.db) });
